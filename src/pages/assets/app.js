// Konsol aduan: small enhancements only; every form works without this file.
"use strict";
// A form sent once: its buttons are disabled while the page waits, so a double tap on a slow
// connection sends it once (the server also files one complaint per comment).
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.dataset.sent) { e.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) {
    b.setAttribute("aria-disabled", "true");
    if (b.dataset.busy) { b.textContent = b.dataset.busy; }
  });
});
