// Behaviour without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// A field that belongs to one option of a radio group selects that option when it is given a
// value (data-checks="<the radio's id>"): choosing a colleague chooses "all to one colleague".
// Without this script the server refuses a receiver chosen under another option.
document.addEventListener("change", function (event) {
  var el = event.target;
  var radio = el.getAttribute && el.getAttribute("data-checks") && document.getElementById(el.getAttribute("data-checks"));
  var given = el.type === "checkbox" ? el.checked : el.value !== "";
  if (radio && given) {
    radio.checked = true;
  }
});
