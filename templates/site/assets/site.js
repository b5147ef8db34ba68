// The report page's reading aids. Everything here is an addition: without JavaScript the page
// reads the same, its links work, and the table of contents opens by its summary on a phone.
// Nothing here changes the layout of the first paint (site.css sets it): this script is
// deferred, and a page that moved when it arrived would move under the reader's finger.
"use strict";

(function () {
  const switcher = document.querySelectorAll("nav.languages a[href]");
  const toc = document.querySelector(".toc details");
  const narrow = window.matchMedia("(max-width: 63.99rem)");

  // The language switcher keeps the reader's place: the same anchor on the other page.
  function keepPlace(anchor) {
    for (const link of switcher) {
      const page = link.getAttribute("href").split("#")[0];
      link.setAttribute("href", anchor ? page + "#" + anchor : page);
    }
  }
  keepPlace(location.hash.slice(1));
  window.addEventListener("hashchange", () => keepPlace(location.hash.slice(1)));

  // ... and follows what is in view while reading: the first paragraph, heading, note or
  // recommendation that starts in the upper half of the window, else the one being read.
  let places = [];
  const tocLinks = new Map();
  function findPlaces() {
    places = Array.from(document.querySelectorAll(
      "main .para[id], main h2[id], main h3[id], main tbody[id], main aside li[id], " +
      "main section.annex[id]"));
    tocLinks.clear();
    document.querySelectorAll(".toc a[href^='#']").forEach((link) => {
      tocLinks.set(link.getAttribute("href").slice(1), link);
    });
  }
  findPlaces();
  function placeInView() {
    // The anchor the reader followed stays their place while it is in the upper half.
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target) {
      const top = target.getBoundingClientRect().top;
      if (top >= 0 && top < window.innerHeight / 2) return target;
    }
    let current = null;
    for (const place of places) {
      const top = place.getBoundingClientRect().top;
      if (top >= 0) {
        if (top < window.innerHeight / 2 || !current) current = place;
        break;
      }
      current = place;
    }
    return current;
  }
  let pending = false;
  const bar = document.querySelector(".site-bar");
  function follow() {
    pending = false;
    // A reader who scrolls up to a switcher that is not pinned is on the way to it: the place
    // they left stays the place.
    if (bar && getComputedStyle(bar).position !== "sticky" && bar.getBoundingClientRect().bottom > 0) {
      return;
    }
    const place = placeInView();
    if (!place) return;
    keepPlace(place.id);
    const section = place.closest("section.section[id], section.annex[id]");
    for (const [anchor, link] of tocLinks) {
      if (section && anchor === section.id) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  }
  window.addEventListener("scroll", () => {
    if (!pending) { pending = true; window.requestAnimationFrame(follow); }
  }, { passive: true });

  // `root` and the elements in it that match `selector`.
  const within = (root, selector) =>
    [root, ...root.querySelectorAll(selector)].filter((element) => element.matches(selector));

  // A link that shows its own address needs it no second time in print (site.css).
  function markAddresses(root) {
    within(root, "a[href^='http']").forEach((link) => {
      const bare = (address) => address.trim().replace(/^https?:\/\//, "").replace(/\/$/, "");
      if (bare(link.textContent) === bare(link.getAttribute("href"))) {
        link.classList.add("shows-address");
      }
    });
  }
  document.querySelectorAll("main").forEach(markAddresses);

  // On a phone the contents (folded in the HTML) fold again once a section is picked.
  if (toc) {
    toc.addEventListener("click", (event) => {
      if (event.target.closest("a") && narrow.matches) toc.open = false;
    });
  }

  // A preview of the note when a call is hovered or focused.
  let preview = null;
  function hidePreview() {
    if (preview) { preview.remove(); preview = null; }
  }
  function showPreview(call) {
    hidePreview();
    const note = document.getElementById(call.getAttribute("href").slice(1));
    if (!note) return;
    preview = document.createElement("div");
    preview.className = "note-preview";
    preview.setAttribute("role", "tooltip");
    preview.id = "note-preview";
    const copy = note.cloneNode(true);
    copy.querySelectorAll("[id]").forEach((element) => element.removeAttribute("id"));
    copy.querySelectorAll("a.fn-back, a.permalink").forEach((element) => element.remove());
    preview.textContent = call.textContent + " " + copy.textContent.trim();
    document.body.appendChild(preview);
    const box = call.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.left + window.scrollX,
                                      window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8));
    preview.style.left = left + "px";
    preview.style.top = (box.bottom + window.scrollY + 6) + "px";
    call.setAttribute("aria-describedby", preview.id);
  }
  function previewNotes(root) {
    within(root, "a.fn-call").forEach((call) => {
      call.addEventListener("mouseenter", () => showPreview(call));
      call.addEventListener("focus", () => showPreview(call));
      call.addEventListener("mouseleave", hidePreview);
      call.addEventListener("blur", () => { hidePreview(); call.removeAttribute("aria-describedby"); });
    });
  }
  previewNotes(document.body);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hidePreview(); });

  // `rapporteur serve` replaces in place the elements an edit changed (rapporteur/serve.py):
  // the new ones get the same aids.
  document.addEventListener("rapporteur:replaced", (event) => {
    hidePreview();
    findPlaces();
    for (const element of event.detail) {
      if (element.closest("main")) markAddresses(element);
      previewNotes(element);
    }
  });

  // Search, with Pagefind's index beside the pages. Browsers refuse to load it from a file
  // opened on disk: there the box says so instead of failing silently.
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input");
  const status = form.querySelector(".search-status");
  const list = form.querySelector(".search-results");
  form.addEventListener("submit", (event) => event.preventDefault());
  let pagefind = null;
  async function load() {
    if (!pagefind) {
      pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
      // The records' URLs are file names: resolved below against this page, not the host root.
      await pagefind.options({ excerptLength: 24, baseUrl: "/" });
      await pagefind.init();
      // Each page searches its own language first; the other languages' indexes join in.
      const own = document.documentElement.lang.toLowerCase();
      for (const link of switcher) {
        const language = (link.getAttribute("hreflang") || "").toLowerCase();
        if (language && language !== own) {
          await pagefind.mergeIndex(new URL("pagefind/", document.baseURI).href,
                                   { language, baseUrl: "/" });
        }
      }
    }
    return pagefind;
  }
  // The language of each page, for the results that lead to another page.
  const pageLanguages = new Map([[location.pathname.split("/").pop(), document.documentElement.lang]]);
  for (const link of switcher) {
    pageLanguages.set(link.getAttribute("href").split("#")[0], link.getAttribute("hreflang"));
  }
  // Pagefind splits a query by the rules of the page's language: in Chinese, a Latin word may
  // come apart into single letters that match every "(a)". A result whose only matches are
  // single letters (an ideograph alone is a word, and Pagefind marks "莫" of "莫桑比克"), none
  // of them a word of the query, is no result. A mark holds the punctuation around its letter
  // ("(c)", "c)", "C,"): the letter alone is what matched.
  const letter = /^\p{L}$/u, ideograph = /^\p{Ideographic}$/u;
  function fragmentsOnly(data, words) {
    const marks = Array.from(data.excerpt.matchAll(/<mark>([^<]*)<\/mark>/g),
                             (match) => match[1].replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase());
    return marks.length > 0 && marks.every((mark) =>
      letter.test(mark) && !ideograph.test(mark) && !words.includes(mark));
  }
  function excerpt(html) {
    // Pagefind marks the matches with <mark>; everything else is taken as text.
    const paragraph = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).reduce((marked, piece) => {
      if (piece === "<mark>") return true;
      if (piece === "</mark>") return false;
      const text = document.createTextNode(piece.replace(/&lt;/g, "<").replace(/&gt;/g, ">")
        .replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
      if (marked) {
        const mark = document.createElement("mark");
        mark.appendChild(text);
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(text);
      }
      return marked;
    }, false);
    return paragraph;
  }
  let latest = 0;
  async function search() {
    const query = input.value.trim();
    const ticket = ++latest;
    list.replaceChildren();
    if (!query) { status.textContent = ""; return; }
    if (location.protocol === "file:") { status.textContent = form.dataset.searchFromFile; return; }
    const found = await (await load()).search(query);
    const own = location.pathname.split("/").pop();
    const words = query.toLowerCase().split(/\s+/);
    const results = (await Promise.all(found.results.slice(0, 20).map((result) => result.data())))
      .filter((data) => !fragmentsOnly(data, words))
      // This page's language first: the other languages' matches follow.
      .map((data, rank) => [data.url.split("#")[0].endsWith("/" + own) ? rank : rank + 1000, data])
      .sort((a, b) => a[0] - b[0]).slice(0, 10).map(([, data]) => data);
    if (ticket !== latest) return;
    // Said by screen readers (the status is a live region), shown to everyone.
    // The count of all matches; when fewer are shown than could be, of those shown (the
    // fragments left out).
    status.textContent = results.length
      ? form.dataset.results.replace("{count}", results.length < 10 ? results.length
        : found.results.length) : form.dataset.noResults;
    form.classList.remove("folded");
    for (const data of results) {
      const item = document.createElement("li");
      item.lang = pageLanguages.get(data.url.replace(/^\/+/, "").split("#")[0]) || "";
      const link = document.createElement("a");
      link.href = new URL(data.url.replace(/^\/+/, ""), document.baseURI).href;
      link.textContent = data.meta.title;
      item.append(link, excerpt(data.excerpt));
      list.appendChild(item);
    }
  }
  let timer = 0;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  form.addEventListener("submit", search);
  // A followed result folds the results, which would cover it (the bar is sticky on wide
  // screens); the box opens them again.
  list.addEventListener("click", (event) => {
    if (event.target.closest("a")) form.classList.add("folded");
  });
  input.addEventListener("focus", () => form.classList.remove("folded"));
  // A query typed before this script arrived (the box is there from the first paint), or
  // kept by the browser on the way back to the page.
  if (input.value.trim()) search();
})();
