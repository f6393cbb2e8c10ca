// The pipeline board (templates/deals/deal_board.html): drag a card to another stage's column.
// The drop sends, with htmx, exactly what the card's stage select sends (stage, the stage the
// board showed, back=board); the server answers by reloading the board (HX-Refresh), which then
// shows where the card really is and what happened, or, for won and lost, by opening the stage
// form that asks for the signed amount and date or the reason (HX-Redirect). The select stays
// for the keyboard and for phones, where a touch scrolls instead of dragging.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Sortable || !document.querySelector("[data-board]")) {
    return;
  }
  var wide = window.matchMedia("(min-width: 768px) and (pointer: fine)");
  document.querySelectorAll("[data-board] .deal-cards").forEach(function (list) {
    window.Sortable.create(list, {
      group: "deals",
      draggable: ".deal-card",
      filter: "select, button, a, input",
      preventOnFilter: false,
      disabled: !wide.matches,
      animation: 120,
      forceFallback: true, // mouse events, the same in every desktop browser
      fallbackOnBody: true,
      onEnd: function (event) {
        if (event.from === event.to) {
          return;
        }
        var card = event.item;
        var form = card.querySelector("form.card-move");
        var stage = event.to.getAttribute("data-stage");
        form.querySelector("select[name=stage]").value = stage;
        card.classList.add("opacity-50");
        if (window.htmx) {
          window.htmx.ajax("POST", form.getAttribute("action"), { source: form, swap: "none" });
        } else {
          form.submit();
        }
      },
    });
  });
});
