/* zoo-cards: the index's text filter. Without JavaScript the index is a plain table. */
(function () {
  "use strict";
  function setUp() {
    var box = document.getElementById("zoo-filter-input");
    if (!box || box.dataset.zooReady) { return; }
    box.dataset.zooReady = "1";
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-zoo-search]"));
    var count = document.getElementById("zoo-filter-count");
    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-zoo-search");
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      count.textContent = shown + " of " + rows.length + " models";
    }
    box.addEventListener("input", apply);
    box.closest(".zoo-filter").hidden = false;
    apply();
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);   /* Material's instant navigation */
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
