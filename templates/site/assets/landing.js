// The landing page sends a reader who arrives from elsewhere to the edition in the first
// language their browser asks for. It replaces itself in the history, so Back leaves the site
// rather than bouncing here again; a link to index.html#languages always shows the choice.
"use strict";

(function () {
  if (location.hash) return;
  const editions = Array.from(document.querySelectorAll("a[data-language]"));
  const tag = (link) => link.dataset.language.toLowerCase();
  for (const wanted of (navigator.languages || [navigator.language]).map((l) => l.toLowerCase())) {
    // An exact tag first ("zh-hans"), then the same language ("zh-CN" asks for Chinese).
    const edition = editions.find((link) => tag(link) === wanted) ||
      editions.find((link) => tag(link).split("-")[0] === wanted.split("-")[0]);
    if (edition) {
      location.replace(edition.href);
      return;
    }
  }
})();
