// The simulator page: one phone per simulated WeChat user. Every message
// goes to api/send (which signs it and posts it to /wechat); pushes arrive
// over api/events (server-sent events), one stream for all windows, as a
// browser keeps only six connections to a host. Text is only ever set with
// textContent.
(function () {
  "use strict";
  var phonesBox = document.getElementById("phones");
  var statusBox = document.getElementById("status");
  var pushLabels = { custom: "客服消息", template: "模板消息", mass: "群发消息" };
  var storeKey = "supplybot-sim-users";
  var menu = null;
  var phones = {}; // openid -> phone
  var stream = null, streamTimer = null, epoch = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function button(text, cls, onclick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  }
  function clock(t) {
    var d = t ? new Date(t) : new Date();
    if (isNaN(d.getTime())) { d = new Date(); }
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }
  function status(text, isErr) {
    statusBox.textContent = text;
    statusBox.className = "status" + (isErr ? " err" : "");
  }
  function postJSON(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { ok: r.ok, status: r.status, j: j || {} }; });
      });
  }

  // ---- the list of users, kept in this browser ----
  function saved() {
    try {
      var v = JSON.parse(localStorage.getItem(storeKey) || "null");
      return Array.isArray(v) ? v : null;
    } catch (e) { return null; }
  }
  function save() {
    var list = [];
    Array.prototype.forEach.call(phonesBox.children, function (node) {
      var p = phones[node.getAttribute("data-openid")];
      if (p) { list.push({ openid: p.openid, name: p.name, role: p.role }); }
    });
    try { localStorage.setItem(storeKey, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  // ---- one phone ----
  function Phone(u) {
    var self = this;
    this.openid = u.openid;
    this.name = u.name || u.openid;
    this.role = u.role || "";
    this.lastSeq = 0; // the last push shown, by its place in the stream
    var root = this.root = el("section", "phone");
    root.setAttribute("data-openid", u.openid);

    var header = el("header");
    var who = el("div", "who");
    this.nameBox = el("div", "name", this.name);
    this.roleBox = el("div", "role", (this.role ? this.role + " · " : "") + u.openid);
    who.appendChild(this.nameBox);
    who.appendChild(this.roleBox);
    header.appendChild(who);
    header.appendChild(button("改名", "rename", function () { self.rename(who); }));
    header.appendChild(button("✕", "remove", function () { self.remove(); }));
    root.appendChild(header);

    this.log = el("div", "log");
    this.log.setAttribute("aria-live", "polite");
    root.appendChild(this.log);

    var form = el("form", "input");
    form.setAttribute("autocomplete", "off");
    var more = button("＋", "toggle", function () { self.more.hidden = !self.more.hidden; });
    more.title = "更多：语音、图片、扫码、关注";
    this.text = el("input", "text");
    this.text.placeholder = "输入消息";
    this.text.maxLength = 2048;
    var sendBtn = el("button", "primary send", "发送");
    sendBtn.type = "submit";
    form.appendChild(more);
    form.appendChild(this.text);
    form.appendChild(sendBtn);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = self.text.value;
      if (!v.trim()) { return; }
      self.text.value = "";
      self.send("text", v, v);
    });
    root.appendChild(form);

    this.more = el("div", "more");
    this.more.hidden = true;
    this.more.appendChild(button("语音", "voice", function () {
      var v = self.text.value.trim();
      if (!v) { self.note("先在输入框写下语音识别出的文字，再点“语音”。", true); return; }
      self.text.value = "";
      self.send("voice", v, "语音：" + v);
    }));
    this.more.appendChild(button("图片", "image", function () { self.send("image", "", "[图片]"); }));
    this.more.appendChild(button("扫码", "scan", function () { self.scan(); }));
    this.more.appendChild(button("关注", "follow", function () { self.send("event", "subscribe", "关注公众号"); }));
    this.more.appendChild(button("取消关注", "unfollow", function () { self.send("event", "unsubscribe", "取消关注"); }));
    this.more.appendChild(button("清屏", "clear", function () { self.clear(); }));
    root.appendChild(this.more);

    this.menubar = el("nav", "menubar");
    root.appendChild(this.menubar);
    this.drawMenu();
  }

  Phone.prototype.row = function (side, node) {
    var row = el("div", "row " + side);
    row.appendChild(node);
    this.log.appendChild(row);
    this.log.scrollTop = this.log.scrollHeight;
    return row;
  };
  Phone.prototype.bubble = function (side, meta, text, isErr) {
    var b = el("div", "bubble" + (isErr ? " err" : ""));
    if (meta) { b.appendChild(el("div", "meta", meta)); }
    b.appendChild(el("div", "body", text));
    return this.row(side, b);
  };
  Phone.prototype.note = function (text, isErr) { this.bubble("sys", "", text, isErr); };
  Phone.prototype.clear = function () {
    while (this.log.firstChild) { this.log.removeChild(this.log.firstChild); }
  };

  Phone.prototype.send = function (type, content, shown) {
    var self = this;
    this.bubble("me", clock(), shown);
    return postJSON("api/send", { openid: this.openid, type: type, content: content }).then(function (res) {
      self.showAnswer(res);
    }).catch(function (e) { self.note("发送失败：" + e, true); });
  };
  Phone.prototype.showAnswer = function (res) {
    if (!res.ok) {
      this.note("错误 " + res.status + "：" + String(res.j.error || ""), true);
    } else if (res.j.reply) {
      this.bubble("bot", "回复 " + clock(), String(res.j.reply));
    } else {
      this.note("（公众号未回复）");
    }
  };
  // scan sends the SCAN event: the text box holds a scene value, the link
  // of the console's login code (its ?s= is the scene) or a code's URL
  // (http://weixin.qq.com/q/sim-<ticket>).
  Phone.prototype.scan = function () {
    var self = this;
    var v = this.text.value.trim();
    if (!v) { this.note("先在输入框填场景值，或粘贴二维码的链接（如控制台登录二维码的图片地址），再点“扫码”。", true); return; }
    this.text.value = "";
    var q = "openid=" + encodeURIComponent(this.openid);
    var s = /[?&]s=([^&#]+)/.exec(v);
    if (s) {
      q += "&scene=" + encodeURIComponent(decodeURIComponent(s[1]));
    } else if (/\/q\/sim-/.test(v)) {
      q += "&ticket=" + encodeURIComponent(v.replace(/^.*\/q\/sim-/, ""));
    } else {
      q += "&scene=" + encodeURIComponent(v);
    }
    this.bubble("me", clock(), "扫码：" + v);
    fetch("api/scan?" + q, { method: "POST" }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, j: j || {} }; });
    }).then(function (res) { self.showAnswer(res); })
      .catch(function (e) { self.note("扫码失败：" + e, true); });
  };

  Phone.prototype.drawMenu = function () {
    var self = this, bar = this.menubar;
    while (bar.firstChild) { bar.removeChild(bar.firstChild); }
    var buttons = (menu && Array.isArray(menu.button)) ? menu.button : [];
    if (!buttons.length) { bar.appendChild(el("div", "none", "（未设置自定义菜单）")); return; }
    buttons.forEach(function (b) {
      if (!b) { return; }
      var item = el("div", "item");
      var subs = Array.isArray(b.sub_button) ? b.sub_button : [];
      var top = button((subs.length ? "≡ " : "") + String(b.name || ""), "menu", function () {
        if (!subs.length) { self.click(b); return; }
        var open = sub.hidden;
        Array.prototype.forEach.call(bar.querySelectorAll(".sub"), function (s) { s.hidden = true; });
        sub.hidden = !open;
      });
      item.appendChild(top);
      var sub = el("div", "sub");
      sub.hidden = true;
      subs.forEach(function (sb) {
        sub.appendChild(button(String(sb.name || ""), "submenu", function () { sub.hidden = true; self.click(sb); }));
      });
      item.appendChild(sub);
      bar.appendChild(item);
    });
  };
  Phone.prototype.click = function (b) {
    if (b.type === "view" && /^https?:\/\//.test(String(b.url || ""))) {
      this.note("打开网页：" + b.url);
      window.open(b.url, "_blank", "noopener");
      return;
    }
    if (!b.key) { this.note("此菜单项没有 key，公众号收不到点击。", true); return; }
    this.send("event", "CLICK:" + b.key, "点击菜单：" + String(b.name || b.key));
  };

  Phone.prototype.showPush = function (p) {
    var label = (pushLabels[p.type] || String(p.type)) + " " + clock(p.at);
    if (p.type !== "template") { this.bubble("bot push", label, String(p.text || "")); return; }
    // A template message: its data lines, and its link on the last line.
    var lines = String(p.text || "").split("\n");
    var link = "";
    if (lines.length && /^https?:\/\//.test(lines[lines.length - 1])) { link = lines.pop(); }
    var card = el("div", "card");
    card.appendChild(el("div", "meta", label));
    card.appendChild(el("div", "title", lines.shift() || ""));
    lines.forEach(function (l) { card.appendChild(el("div", "line", l)); });
    if (link) {
      var a = el("a", "", "详情 ›");
      a.href = link;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      card.appendChild(a);
    }
    this.row("bot push", card);
  };
  Phone.prototype.rename = function (who) {
    var self = this;
    var input = el("input");
    input.value = this.name;
    input.maxLength = 30;
    who.replaceChild(input, this.nameBox);
    input.focus();
    input.select(); // typing replaces the old name
    function done() {
      var v = input.value.trim();
      if (v) { self.name = v; self.nameBox.textContent = v; }
      if (input.parentNode) { who.replaceChild(self.nameBox, input); }
      save();
    }
    input.addEventListener("blur", done);
    input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); input.blur(); } });
  };
  Phone.prototype.remove = function () {
    delete phones[this.openid];
    this.root.parentNode.removeChild(this.root);
    save();
    connect();
  };

  // connect (re)opens the stream for the windows shown; pushes a window
  // already has (by their id) are not drawn twice.
  function connect() {
    if (streamTimer) { clearTimeout(streamTimer); }
    streamTimer = setTimeout(function () {
      streamTimer = null;
      if (stream) { stream.close(); stream = null; }
      var ids = Object.keys(phones);
      if (!ids.length) { return; }
      stream = new EventSource("api/events?" + ids.map(function (id) { return "openid=" + encodeURIComponent(id); }).join("&"));
      stream.addEventListener("push", onPush);
    }, 30);
  }
  function onPush(ev) {
    var id = String(ev.lastEventId || "");
    var cut = id.indexOf("-");
    var ep = id.slice(0, cut), seq = Number(id.slice(cut + 1)) || 0;
    if (ep !== epoch) { // the data was reset: ids start again
      epoch = ep;
      Object.keys(phones).forEach(function (k) { phones[k].lastSeq = 0; });
    }
    var p;
    try { p = JSON.parse(ev.data); } catch (e) { return; }
    var ph = phones[p.openid];
    if (!ph || seq <= ph.lastSeq) { return; }
    ph.lastSeq = seq;
    ph.showPush(p);
  }

  function addPhone(u) {
    if (!u || !u.openid || phones[u.openid]) { return phones[u && u.openid]; }
    var p = new Phone(u);
    phones[u.openid] = p;
    phonesBox.appendChild(p.root);
    save();
    connect();
    return p;
  }

  document.getElementById("add").addEventListener("click", function () {
    var n = 1;
    while (phones["sim-user-" + n]) { n++; }
    var p = addPhone({ openid: "sim-user-" + n, name: "用户" + n, role: "新用户" });
    p.note("新用户：先点“＋”里的“关注”，或直接发消息。");
    if (p.root.scrollIntoView) { p.root.scrollIntoView({ inline: "nearest", block: "nearest" }); }
    p.text.focus();
  });

  var scenarioBtn = document.getElementById("scenario");
  scenarioBtn.addEventListener("click", function () {
    scenarioBtn.disabled = true;
    status("正在演示：8 家川渝企业登记并发布需求和供应……");
    loadPersonas().then(function (list) {
      list.forEach(addPhone);
      return postJSON("api/scenario");
    }).then(function (res) {
      if (res.ok) { status(String(res.j.summary || "场景已就绪。")); } else { status("场景演示失败：" + String(res.j.error || res.status), true); }
    }).catch(function (e) { status("场景演示失败：" + e, true); })
      .then(function () { scenarioBtn.disabled = false; });
  });

  document.getElementById("reset").addEventListener("click", function () {
    if (!window.confirm("重置会清空本机的全部数据：企业、需求、供应、匹配和各窗口的消息。确定吗？")) { return; }
    postJSON("api/reset", { confirm: true }).then(function (res) {
      if (!res.ok) { status("没有重置：" + String(res.j.error || res.status), true); return; }
      Object.keys(phones).forEach(function (id) { phones[id].clear(); phones[id].lastSeq = 0; });
      connect();
      status("已重置：本机数据已清空。点“场景演示”重新开始。");
    }).catch(function (e) { status("重置失败：" + e, true); });
  });

  function loadPersonas() {
    return fetch("api/personas", { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (list) { return Array.isArray(list) ? list : []; }).catch(function () { return []; });
  }
  function loadMenu() {
    return fetch("api/menu", { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (m) { menu = m; }).catch(function () { menu = null; });
  }

  loadMenu().then(function () {
    var list = saved();
    return list && list.length ? list : loadPersonas();
  }).then(function (list) { list.forEach(addPhone); });
})();
