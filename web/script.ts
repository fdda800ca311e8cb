/**
 * Progressive enhancement of the complaint form, served as /static/tousu-form.js (no CDN, no build step). Without
 * it the form still posts normally and the server renders the result page. With it: the anonymous choice hides
 * the identity fields, and the submit goes through fetch with an Idempotency-Key so that a retry after a network
 * error cannot file the complaint twice; errors appear next to their fields and in the aria-live summary.
 */
export const FORM_SCRIPT = String.raw`(function () {
  'use strict';
  var form = document.getElementById('complaint-form');
  if (!form || !window.fetch || !window.FormData) return;
  var anon = document.getElementById('f-complainant-anonymous');
  var identity = document.getElementById('identity');
  function syncAnon() { if (identity && anon) identity.hidden = anon.checked; }
  if (anon) { anon.addEventListener('change', syncAnon); syncAnon(); }
  var summary = document.getElementById('error-summary');
  function idFor(field) { return 'f-' + field.replace(/\./g, '-'); }
  function clearErrors() {
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.error').forEach(function (p) { p.hidden = true; p.textContent = ''; });
    summary.textContent = '';
  }
  function showErrors(errors) {
    var h = document.createElement('h2');
    h.textContent = errors.length === 1 && !errors[0].field ? '提交未成功' : '提交未成功，请修改以下 ' + errors.length + ' 处：';
    var ul = document.createElement('ul');
    errors.forEach(function (e) {
      var input = document.getElementById(idFor(e.field));
      var p = document.getElementById(idFor(e.field) + '-error');
      if (input && p) {
        input.setAttribute('aria-invalid', 'true');
        var d = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (d.indexOf(p.id) < 0) d.push(p.id);
        input.setAttribute('aria-describedby', d.join(' '));
        p.textContent = e.message; p.hidden = false;
      }
      var li = document.createElement('li');
      if (e.field) { var a = document.createElement('a'); a.href = '#' + idFor(e.field); a.textContent = e.message; li.appendChild(a); }
      else li.textContent = e.message;
      ul.appendChild(li);
    });
    summary.appendChild(h); summary.appendChild(ul); summary.focus();
  }
  var busy = false;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    var data = new FormData(form);
    var key = data.get('idempotencyKey');
    fetch(form.action, { method: 'POST', body: data, headers: { 'Accept': 'text/html', 'Idempotency-Key': String(key), 'X-Requested-With': 'fetch' } })
      .then(function (res) {
        return res.text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, 'text/html');
          if (res.status === 400) {
            clearErrors();
            var items = [];
            doc.querySelectorAll('#error-summary a').forEach(function (a) { items.push({ field: a.getAttribute('href').slice(3).replace(/-/g, '.'), message: a.textContent }); });
            showErrors(items);
            return;
          }
          var main = doc.getElementById('main');
          if (!res.ok || !main || !doc.getElementById('result')) {
            // 413, 429, 5xx: keep the form and everything typed in it; say what happened. The answer may be JSON.
            var message = '';
            try { message = JSON.parse(text).message || ''; } catch (e) { var p = doc.querySelector('[role=alert] p') || doc.querySelector('p'); message = p ? p.textContent : ''; }
            clearErrors();
            showErrors([{ field: '', message: (message || '提交未成功（服务器错误 ' + res.status + '）。') + '您填写的内容仍在本页，请稍后再点“提交投诉”（不会重复提交）。' }]);
            return;
          }
          if (main) { document.getElementById('main').innerHTML = main.innerHTML; document.title = doc.title; }
          var r = document.getElementById('result'); if (r) r.focus();
        });
      })
      .catch(function () {
        clearErrors();
        // Not a problem of any field: the summary alone says it (nothing is marked invalid).
        showErrors([{ field: '', message: '网络连接失败，投诉尚未确认收到。您填写的内容仍在本页，请检查网络后再点“提交投诉”（不会重复提交）。' }]);
      })
      .then(function () { busy = false; if (button) button.disabled = false; });
  });
})();
`;
