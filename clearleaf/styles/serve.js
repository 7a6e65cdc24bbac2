// The live preview of `clearleaf serve`: one Server-Sent Events connection and
// no polling. The server sends its counters at once and after every rebuild;
// when this page's counter moved, the page fetches itself again and swaps in
// the parts marked data-live, the web page's frame (keeping its scroll
// position) and the status line, which a screen reader announces.
'use strict';

(() => {
  const watched = document.body.dataset.watch;
  let generation = document.body.dataset.generation;
  let queue = Promise.resolve();

  const refresh = async () => {
    const response = await fetch(location.pathname, { cache: 'no-store' });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const part of document.querySelectorAll('[data-live]')) {
      const replacement = fresh.getElementById(part.id);
      if (replacement) part.replaceWith(document.importNode(replacement, true));
    }
    const view = document.getElementById('web-view');
    const freshView = fresh.getElementById('web-view');
    if (view && freshView) {
      const frame = view.querySelector('iframe');
      const freshFrame = freshView.querySelector('iframe');
      if (frame && freshFrame) {
        const src = freshFrame.getAttribute('src');
        if (frame.getAttribute('src') !== src) {
          const scrolled = frame.contentWindow ? frame.contentWindow.scrollY : 0;
          frame.addEventListener('load', () => frame.contentWindow.scrollTo(0, scrolled), { once: true });
          frame.setAttribute('src', src);
        }
      } else {
        view.replaceWith(document.importNode(freshView, true));
      }
    }
    document.getElementById('status').textContent = fresh.getElementById('status').textContent;
  };

  const events = new EventSource('/events');
  events.addEventListener('state', (event) => {
    const state = JSON.parse(event.data);
    const now = String(watched ? state.documents[watched] : state.generation);
    if (now === generation) return;
    generation = now;
    queue = queue.then(refresh).catch(() => {});
  });
})();
