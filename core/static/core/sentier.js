// A second click on a submit button while the page is sending does nothing. The server
// still refuses duplicates on its own; this only spares the user a confusing wait.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  }, 0);
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (f) { delete f.dataset.sending; });
});
// A select marked data-autosubmit sends its form when it changes (the Content-Security-Policy
// refuses inline onchange handlers).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
