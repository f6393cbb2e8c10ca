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
// The plan form's customer picker (workplans/widgets/customer_picker.html): a customer ticked
// among the search results joins the chosen ones, so the next search does not take it away;
// Enter in its search box searches instead of sending the whole form.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches("[data-picker-results] input[type=checkbox]") && box.checked) {
    var chosen = box.closest("[data-customer-picker]").querySelector("[data-picker-chosen]");
    chosen.appendChild(box.closest(".form-check"));
  }
});
document.addEventListener("keydown", function (event) {
  var el = event.target;
  if (event.key === "Enter" && el.matches && el.matches("[data-picker-search]")) {
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(el, "search"); }
  }
});
