// The visit form on a phone: keep a draft through a lost connection, and the GPS button.
// The draft is kept in localStorage per user and enterprise, restored when the form is
// opened again, and cleared once the visit page confirms the visit was recorded.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { store = null; }

  // The visit page after a successful submit names the draft to forget.
  var done = document.querySelector("[data-clear-draft]");
  if (done && store) { store.removeItem(done.getAttribute("data-clear-draft")); }

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  // Never kept: the CSRF token and the file. The one-time token IS kept: if the answer to
  // a submit was lost, sending the restored draft again is recognised and recorded once.
  var skip = { csrf_token: 1, enterprise_id: 1, photo: 1 };

  function save() {
    if (!store) { return; }
    var data = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || skip[el.name] || el.type === "file" || el.type === "submit") { continue; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
        else if (!(el.name in data)) { data[el.name] = data[el.name] || []; }
      } else {
        data[el.name] = el.value;
      }
    }
    try { store.setItem(key, JSON.stringify({ at: Date.now(), fields: data })); } catch (e) { /* full */ }
  }

  function restore() {
    if (!store) { return; }
    // A page sent back with errors already holds what was typed: keep it.
    if (document.querySelector(".visit-form .error, .flash-error")) { return; }
    var raw = store.getItem(key);
    if (!raw) { return; }
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { return; }
    var fields = (draft && draft.fields) || {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || skip[el.name] || !(el.name in fields)) { continue; }
      var value = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.type !== "file") {
        el.value = value;
      }
    }
    var note = form.querySelector(".draft-note");
    if (note) { note.textContent = form.getAttribute("data-restored"); note.hidden = false; }
    showPosition();
  }

  var button = form.querySelector(".gps-button");
  var status = form.querySelector(".gps-status");
  function showPosition() {
    var acc = form.elements.gps_accuracy_m;
    if (status && form.elements.latitude && form.elements.latitude.value && button) {
      status.textContent = button.getAttribute("data-found").replace("{m}", Math.round(Number(acc.value) || 0));
    }
  }
  if (button) {
    if (!("geolocation" in navigator)) { button.hidden = true; }
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-waiting");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.elements.gps_accuracy_m.value = Math.round(pos.coords.accuracy);
        showPosition();
        save();
      }, function () {
        status.textContent = button.getAttribute("data-failed");
      }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () {
    var submit = form.querySelector("button.primary");
    save();  // kept until the visit page confirms; a lost connection loses nothing
    // One tap sends once; the button comes back if the network lets the page hang.
    if (submit) {
      setTimeout(function () { submit.disabled = true; }, 0);
      setTimeout(function () { submit.disabled = false; }, 10000);
    }
  });
})();
