// Small helpers for htmx attributes; no framework, no build step.

// A live refresh must not wipe a comment someone is typing: the case page's SSE trigger asks
// this first, and skips the refresh while any comment box holds text (a stale submit then
// gets the clear "someone else changed it first" answer instead).
function hamyarTyping() {
  return Array.from(document.querySelectorAll("#case textarea")).some(function (box) {
    // A correction form starts filled with the case's own text: only a change is typing.
    if (box.closest("form.prefilled")) {
      return box.value !== box.defaultValue;
    }
    return box.value.trim() !== "";
  });
}
