// Draws the workflow page's mermaid diagram (a static file: the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  if (window.mermaid) {
    mermaid.initialize({startOnLoad: false, securityLevel: "strict", fontFamily: "Vazirmatn, Tahoma, sans-serif"});
    mermaid.run({querySelector: "#diagram"});
  }
});
