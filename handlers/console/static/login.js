// Login page: wait for the QR code's scan, then go on; in the simulator,
// make a simulated WeChat user scan it.
(function () {
  'use strict';
  var qr = document.getElementById('qr');
  if (!qr) { return; }
  var state = document.getElementById('qr-state');
  var next = qr.getAttribute('data-next') || '/admin/';
  var poll = function () {
    fetch('/admin/login/qr?next=' + encodeURIComponent(next), {credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.state === 'ok') { state.textContent = '已登录'; window.location.assign(j.next); return; }
        if (j.state === 'expired') { state.textContent = '二维码已失效，请刷新页面。'; return; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 3000); });
  };
  poll();
  var sim = document.getElementById('sim');
  if (sim) {
    document.getElementById('sim-scan').addEventListener('click', function () {
      var openid = document.getElementById('sim-openid').value.trim();
      var url = sim.getAttribute('data-url') + '?openid=' + encodeURIComponent(openid) + '&scene=' + encodeURIComponent(sim.getAttribute('data-scene'));
      fetch(url, {method: 'POST', credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (j) { state.textContent = j.reply || j.error || '已扫码'; });
    });
  }
})();
