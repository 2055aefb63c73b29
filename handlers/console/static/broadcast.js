// Broadcast page: the live audience size of the segment builder, and the
// progress of a sending broadcast, polled from the console's JSON API.
(function () {
  'use strict';
  var compose = document.getElementById('compose');
  if (compose) {
    var size = document.getElementById('audience-size');
    var note = document.getElementById('audience-note');
    var timer = null;
    var update = function () {
      var q = new URLSearchParams();
      Array.prototype.forEach.call(compose.elements, function (el) {
        if (!el.name || el.name === 'csrf' || el.name === 'text') { return; }
        if (el.type === 'checkbox') { if (el.checked) { q.set(el.name, el.value); } return; }
        if (el.value) { q.set(el.name, el.value); }
      });
      if (q.toString() === '') { size.textContent = '—'; note.textContent = '请选择发送对象'; return; }
      fetch('/admin/api/audience?' + q.toString(), {credentials: 'same-origin'})
        .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, j: j}; }); })
        .then(function (res) {
          if (!res.ok) { size.textContent = '—'; note.textContent = res.j.message || ''; return; }
          size.textContent = String(res.j.audience.size);
          note.textContent = res.j.segment + (res.j.audience.over_monthly_cap ? '，其中 ' + res.j.audience.over_monthly_cap + ' 人本月群发已满' : '');
        })
        .catch(function () { size.textContent = '—'; });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(update, 250); };
    compose.addEventListener('input', later);
    compose.addEventListener('change', later);
    update();
  }

  var box = document.getElementById('progress');
  if (box) {
    var id = box.getAttribute('data-job');
    var bar = document.getElementById('progress-bar');
    var set = function (name, v) { document.getElementById('progress-' + name).textContent = String(v); };
    var poll = function () {
      fetch('/admin/api/broadcasts/' + encodeURIComponent(id) + '/progress', {credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          var p = j.progress;
          bar.max = p.total || 1;
          bar.value = p.sent + p.failed;
          set('state', p.state); set('sent', p.sent); set('total', p.total); set('failed', p.failed);
          box.setAttribute('data-state', p.state);
          if (!j.done && p.state !== 'draft') { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    if (box.getAttribute('data-state') !== 'draft') { poll(); }
  }
})();
