// The customer list's bulk bar: "tick every customer on this page" (no inline scripts: CSP).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("[data-bulk-all]")) {
    return;
  }
  document.querySelectorAll("[data-bulk-pick]").forEach(function (pick) {
    pick.checked = box.checked;
  });
});
