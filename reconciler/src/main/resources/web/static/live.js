// bootfleet's dashboard: live updates (ADR 0024). The server sends "change" on /events when a revision is
// served, a report stored or a rollout decided; this fetches the page again and swaps each [data-live] region.
// Pages read fine without it.
(function () {
  'use strict';
  if (!window.EventSource || !window.fetch || !document.querySelector('[data-live]')) {
    return;
  }
  var busy = false;
  var again = false;
  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (r.redirected || !r.ok) {
          throw new Error('status ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (region) {
          var fresh = region.id && next.getElementById(region.id);
          if (fresh && fresh.innerHTML !== region.innerHTML) {
            region.replaceWith(document.importNode(fresh, true));
          }
        });
        document.documentElement.setAttribute('data-live-updates',
          String(Number(document.documentElement.getAttribute('data-live-updates') || '0') + 1));
      })
      .catch(function () { /* the next change tries again */ })
      .finally(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }
  var events = new EventSource('/events');
  events.addEventListener('change', refresh);
  events.onopen = function () {
    document.documentElement.setAttribute('data-live', 'open');
    refresh(); // what changed between this page's rendering and the stream's start
  };
  events.onerror = function () {
    document.documentElement.setAttribute('data-live', 'closed');
  };
})();
