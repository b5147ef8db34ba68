// Runs in the page: follows the build's state. A newer good build is fetched and patched into
// the page in place, no reload: only the nodes that changed since the page was served are
// replaced (a changed text is one text node), so the scroll position and what the page's own
// scripts set up stay. Elements replaced whole are announced to those scripts in a
// "rapporteur:replaced" event. A change to the stylesheets or scripts the page loads, or to the
// theme (a stylesheet's content is not in the page's HTML), reloads the page whole.
(() => {
  let served = null;  // the page as served, to tell what changed in a newer version
  document.addEventListener("readystatechange", () => {
    // Parsed, and the page's deferred scripts have not run yet: this is the page as served.
    if (!served) served = document.cloneNode(true);
  });
  const loads = (page) => Array.from(page.head.querySelectorAll("link, style, script"),
                                     (element) => element.outerHTML).join("");
  // Makes the children of `live` show those of `next` where they differ from `old`, what `live`
  // held as served. False when a child was added or removed: the caller replaces `live` whole.
  function patch(live, old, next, replaced) {
    const [liveNodes, oldNodes, nextNodes] = [live, old, next].map(
      (node) => Array.from(node.childNodes));
    if (oldNodes.length !== nextNodes.length || liveNodes.length < oldNodes.length) return false;
    oldNodes.forEach((node, index) => {
      const [was, now] = [node, nextNodes[index]];
      if (was.isEqualNode(now)) return;
      const sameElement = was.nodeType === Node.ELEMENT_NODE &&
        was.cloneNode(false).isEqualNode(now.cloneNode(false)) &&
        liveNodes[index].nodeName === was.nodeName;
      if (sameElement && patch(liveNodes[index], was, now, replaced)) return;
      const fresh = document.importNode(now, true);
      liveNodes[index].replaceWith(fresh);
      if (fresh.nodeType === Node.ELEMENT_NODE) replaced.push(fresh);
    });
    return true;
  }
  async function update() {
    const response = await fetch(location.href, { cache: "no-store" });
    if (!response.ok) throw new Error(response.statusText);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const replaced = [];
    if (!served || loads(page) !== loads(served) ||
        !patch(document.documentElement, served.documentElement, page.documentElement, replaced)) {
      location.reload();
      return;
    }
    served = page;
    if (replaced.length) {
      document.dispatchEvent(new CustomEvent("rapporteur:replaced", { detail: replaced }));
    }
  }
  let updating = Promise.resolve();
  // The build the page was served from (server.py writes it on this script's tag): an edit
  // built while the page was loading is then shown too, not taken for the page's own state.
  let seen = Number(document.currentScript?.dataset.version ?? NaN);
  if (Number.isNaN(seen)) seen = null;
  const source = new EventSource("/__rapporteur/events");
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    let overlay = document.getElementById("rapporteur-overlay");
    if (state.status === "error") {
      if (!overlay) {
        overlay = document.createElement("pre");
        overlay.id = "rapporteur-overlay";
        overlay.setAttribute("role", "alert");
        overlay.style.cssText = "position:fixed;inset:1rem;z-index:99999;margin:0;padding:1rem;" +
          "overflow:auto;background:#fff5f5;color:#7a0000;border:3px solid #c00;" +
          "font:13px/1.4 monospace;white-space:pre-wrap";
        document.body.append(overlay);
      }
      overlay.textContent = state.message;
      return;
    }
    overlay?.remove();
    if (seen !== null && state.version !== seen) {
      if (state.theme_version > seen) {
        location.reload();
        return;
      }
      // One update at a time, each to the newest page; anything unexpected reloads.
      updating = updating.then(update).catch(() => location.reload());
    }
    seen = state.version;
  };
})();
