// OpenIOP's own small behaviours. Loaded as a file because the
// Content-Security-Policy forbids inline scripts.
document.addEventListener("click", function (e) {
  var t = e.target.closest ? e.target.closest("[data-print]") : null;
  if (t) {
    e.preventDefault();
    window.print();
  }
});
