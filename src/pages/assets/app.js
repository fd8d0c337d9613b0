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

// The filing form: name the platform of a pasted link and say at once when it is filed.
(function () {
  var input = document.querySelector("input[data-check]");
  if (!input) { return; }
  var info = document.getElementById("tautan-info");
  var timer = null;
  function show(data) {
    info.textContent = "";
    if (data.code) {
      info.append("Komentar ini sudah tercatat: ");
      if (data.visible) {
        var a = document.createElement("a");
        a.href = "/app/aduan/" + encodeURIComponent(data.code);
        a.textContent = data.code;
        info.append(a);
      } else {
        info.append(data.code);
      }
      info.append(" (" + data.status + ").");
    } else if (data.platform) {
      info.append("Tautan " + data.platform + " dikenali.");
    } else if (input.value.trim()) {
      info.append("Platform tautan ini tidak dikenali; pilih sumbernya di bawah.");
    }
  }
  function check() {
    var url = input.dataset.check + "?tautan=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d) { show(d); } })
      .catch(function () {});
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  if (input.value.trim()) { check(); }
})();

// "Pakai lokasi saya": the phone's position into the location fields beside the button.
document.querySelectorAll("button[data-locate]").forEach(function (button) {
  if (!navigator.geolocation) { return; }
  var box = button.closest("fieldset");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (p) {
      box.querySelector("[name=lat]").value = p.coords.latitude.toFixed(6);
      box.querySelector("[name=long]").value = p.coords.longitude.toFixed(6);
    }, function () {
      button.textContent = "Lokasi tidak tersedia";
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
});

// Photos over the form's limit are refused here, before a slow connection carries them.
document.querySelectorAll("input[type=file][data-max]").forEach(function (input) {
  input.addEventListener("change", function () {
    var total = 0;
    Array.prototype.forEach.call(input.files, function (f) { total += f.size; });
    var max = Number(input.dataset.max);
    input.setCustomValidity(total > max
      ? "Foto terlalu besar: paling banyak " + Math.floor(max / 1048576) + " MB seluruhnya."
      : "");
  });
});
