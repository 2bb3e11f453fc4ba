// Redress: a little progressive enhancement. Every page works without it.
// - deadlines count down live, from the server's time (body[data-now]),
//   not the reader's own clock;
// - a form with data-confirm asks before doing what cannot be undone
//   (once what it needs is filled in: else the server says what is missing);
// - a button with data-copy copies its input's text (the private link);
// - a form is sent once, however often the button is tapped;
// - a form answered with errors puts the focus on their summary.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  var body = document.body;
  var loaded = Date.now();
  function serverNow() {
    var at = Date.parse(body.getAttribute('data-now'));
    return isNaN(at) ? Date.now() : at + (Date.now() - loaded);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  // The same words as the server's: days and hours from three days up,
  // hours and minutes below, minutes rounded down.
  function duration(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes >= 72 * 60) {
      return fill(body.getAttribute('data-t-days-hours'), { d: Math.floor(minutes / 1440), h: Math.floor(minutes / 60) % 24 });
    }
    return fill(body.getAttribute('data-t-hours-minutes'), { h: Math.floor(minutes / 60), m: minutes % 60 });
  }

  function tick() {
    var now = serverNow();
    var live = document.querySelectorAll('[data-countdown]');
    for (var i = 0; i < live.length; i++) {
      var el = live[i];
      var due = Date.parse(el.getAttribute('data-countdown'));
      if (isNaN(due)) continue;
      var left = due - now;
      var text = left > 0
        ? fill(body.getAttribute('data-t-left'), { d: duration(left) })
        : fill(body.getAttribute('data-t-overdue'), { d: duration(-left) });
      if (el.textContent !== text) el.textContent = text;
      var box = el.closest('[data-tone]');
      var tone = left <= 0 ? 'overdue' : left <= 12 * 3600 * 1000 ? 'soon' : 'pending';
      if (box && box.getAttribute('data-tone') !== tone) {
        box.classList.remove('deadline--' + box.getAttribute('data-tone'));
        box.classList.add('deadline--' + tone);
        box.setAttribute('data-tone', tone);
      }
      var time = box && box.querySelector('time[data-deadline]');
      if (time && left <= 0) time.setAttribute('data-overdue', 'true');
    }
  }
  if (document.querySelector('[data-countdown]')) {
    tick();
    setInterval(tick, 1000);
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    var question = form.getAttribute('data-confirm');
    if (question && form.checkValidity() && !window.confirm(question)) {
      e.preventDefault();
      return;
    }
    if (form.getAttribute('data-sent') === 'true' && form.method.toLowerCase() === 'post') {
      e.preventDefault();
      return;
    }
    form.setAttribute('data-sent', 'true');
  });
  // The private link: selectable as it is; with a script, a copy button.
  function copied(button) {
    button.textContent = button.getAttribute('data-copied');
  }
  var copies = document.querySelectorAll('button[data-copy]');
  for (var c = 0; c < copies.length; c++) {
    (function (button) {
      var input = document.getElementById(button.getAttribute('data-copy'));
      if (!input) return;
      button.hidden = false;
      input.addEventListener('focus', function () { input.select(); });
      button.addEventListener('click', function () {
        input.focus();
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(function () { copied(button); }, function () {
            if (document.execCommand('copy')) copied(button);
          });
        } else if (document.execCommand('copy')) {
          copied(button);
        }
      });
    })(copies[c]);
  }

  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener('pageshow', function () {
    var sent = document.querySelectorAll('form[data-sent]');
    for (var i = 0; i < sent.length; i++) sent[i].removeAttribute('data-sent');
  });

  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
