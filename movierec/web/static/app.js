// Title suggestions as you type, for inputs marked data-suggest: a listbox of films from
// /api/v1/movies/search, used with the keyboard (arrows, Enter, Escape) or the mouse.
// Picking one opens the film's page, or with data-append="ID" adds "Title (Year)" to that
// textarea. Without JavaScript the forms work as they are.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      items = [];
      active = -1;
    }

    function pick(film) {
      var target = input.dataset.append && document.getElementById(input.dataset.append);
      if (target) {
        var line = film.year ? film.title + " (" + film.year + ")" : film.title;
        target.value = target.value.replace(/\s*$/, "") + (target.value.trim() ? "\n" : "") + line;
        input.value = "";
        close();
        input.focus();
      } else {
        window.location.href = "/films/" + film.id;
      }
    }

    function mark(index) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].id); }
    }

    function show(results) {
      list.textContent = "";
      items = results;
      results.forEach(function (film, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = film.title + (film.year ? " (" + film.year + ")" : "") +
          (film.director ? " \u2014 " + film.director : "");
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(film); });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var ticket = ++asked;
        fetch("/api/v1/movies/search?limit=8&q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (ticket === asked) { show(data.results || []); } })
          .catch(function () { close(); });
      }, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(items[active]); }
      else if (event.key === "Escape") { close(); }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
