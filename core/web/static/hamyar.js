// Small helpers for htmx; no framework, no build step, and no inline script anywhere (the
// Content-Security-Policy allows scripts from /static only, and htmx runs without eval).

// A live refresh must not wipe a comment someone is typing: the case page refreshes itself on
// its SSE event, and this cancels that refresh while any comment box holds text (a stale
// submit then gets the clear "someone else changed it first" answer instead).
function hamyarTyping() {
  return Array.from(document.querySelectorAll("#case textarea")).some(function (box) {
    // A correction form starts filled with the case's own text: only a change is typing.
    if (box.closest("form.prefilled")) {
      return box.value !== box.defaultValue;
    }
    return box.value.trim() !== "";
  });
}

document.addEventListener("htmx:confirm", function (event) {
  var elt = event.detail && event.detail.elt;
  if (elt && elt.id === "case" && event.detail.verb === "get" && hamyarTyping()) {
    event.preventDefault();
  }
});

// The printable report's "Print" button (no inline script: see the CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
