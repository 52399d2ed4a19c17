// Live refresh: every element with data-refresh="URL" is re-fetched every 10 s while the tab is visible.
// A transcript that was scrolled to the newest message stays there.
(function () {
  const PERIOD_MS = 10000;
  function scrollToEnd(el) { if (el.id === "transcript") el.scrollTop = el.scrollHeight; }
  async function refresh(el) {
    if (document.hidden) return;
    try {
      const response = await fetch(el.dataset.refresh, { credentials: "same-origin" });
      if (response.ok) {
        const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        el.innerHTML = await response.text();
        if (atEnd) scrollToEnd(el);
      }
    } catch (err) { /* offline for a moment: try again next round */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(function (el) {
      scrollToEnd(el);
      setInterval(function () { refresh(el); }, PERIOD_MS);
    });
  });
})();
