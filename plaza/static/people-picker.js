// People pickers with type-ahead: progressive enhancement of a <select data-people-picker>
// (multiple or single). The select stays in the form, hidden, and is what is submitted:
// without JavaScript the page works with the plain list. The picker asks
// GET /api/v1/people?q=…[&space=…] (only people this person may pick there) and follows the
// WAI-ARIA combobox pattern: arrows move, Enter picks, Escape closes, Backspace on an empty
// box removes the last person, each chosen person has a labelled remove button.
(function () {
  "use strict";
  var counter = 0;

  function labelText(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (!label) label = select.closest("label");
    if (!label) return select.getAttribute("aria-label") || "";
    var copy = label.cloneNode(true);
    copy.querySelectorAll("select, .people-picker").forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    var n = ++counter;
    var t = select.dataset;
    var multiple = select.multiple;
    var endpoint = t.peoplePicker;
    var box = document.createElement("div");
    box.className = "people-picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    var input = document.createElement("input");
    input.type = "text";
    input.autocomplete = "off";
    input.className = "picker-input";
    input.placeholder = t.tPlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "picker-list-" + n);
    input.setAttribute("aria-label", labelText(select));
    var list = document.createElement("ul");
    list.id = "picker-list-" + n;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", labelText(select));
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    box.append(chips, input, list, status);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.after(box);
    if (!multiple) {
      // A single select always shows some choice; the picker starts empty instead.
      var blank = new Option("", "");
      select.insertBefore(blank, select.firstChild);
      if (!select.querySelector("option[selected]")) blank.selected = true;
    }
    if (select.required) { input.required = !picked().length; select.required = false; select.dataset.wasRequired = "1"; }

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function picked() { return Array.prototype.filter.call(select.selectedOptions, function (o) { return o.value !== ""; }); }
    function chosen() { return picked().map(function (o) { return o.value; }); }

    function renderChips() {
      chips.textContent = "";
      picked().forEach(function (option) {
        var li = document.createElement("li");
        li.className = "picker-chip";
        var name = document.createElement("span");
        name.textContent = option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.setAttribute("aria-label", (t.tRemove || "Remove %(name)s").replace("%(name)s", option.textContent));
        remove.textContent = "×";
        remove.addEventListener("click", function () { option.selected = false; if (!multiple) select.options[0].selected = true; sync(); input.focus(); });
        li.append(name, remove);
        chips.append(li);
      });
      if (select.dataset.wasRequired) input.required = !picked().length;
    }

    function sync() {
      renderChips();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function pick(person) {
      var value = String(person.id);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      var label = person.name + " (@" + person.handle + ")";
      if (!option) { option = new Option(label, value); select.add(option); }
      if (!multiple) Array.prototype.forEach.call(select.options, function (o) { o.selected = false; });
      option.selected = true;
      input.value = "";
      close();
      sync();
      status.textContent = (t.tAdded || "%(name)s added").replace("%(name)s", person.name);
    }

    function render() {
      list.textContent = "";
      var taken = chosen();
      var shown = results.filter(function (p) { return taken.indexOf(String(p.id)) === -1; });
      shown.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = "picker-" + n + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "picker-option";
        var name = document.createElement("strong");
        name.textContent = person.name;
        var handle = document.createElement("small");
        handle.textContent = " @" + person.handle;
        li.append(name, handle);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(person); });
        li.person = person;
        list.append(li);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "picker-none muted";
        none.textContent = t.tNone || "Nobody found";
        list.append(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = shown.length ? (t.tFound || "%(n)s found").replace("%(n)s", shown.length) : (t.tNone || "");
    }

    function ask() {
      var ticket = ++asked;
      var url = endpoint + (endpoint.indexOf("?") === -1 ? "?" : "&") + "limit=20&q=" + encodeURIComponent(input.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (page) {
          if (ticket !== asked || document.activeElement !== input) return;  // a later answer wins
          results = page.items || [];
          render();
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 150); });
    input.addEventListener("focus", function () { if (list.hidden) { clearTimeout(timer); timer = setTimeout(ask, 0); } });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) ask(); else highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter") {
        if (!list.hidden && items.length) { event.preventDefault(); pick(items[active < 0 ? 0 : active].person); }
      } else if (event.key === "Escape") { if (!list.hidden) { event.preventDefault(); close(); } }
      else if (event.key === "Backspace" && !input.value && picked().length) {
        var all = picked();
        all[all.length - 1].selected = false;
        if (!multiple) select.options[0].selected = true;
        sync();
      }
    });
    renderChips();
  }

  function start(root) {
    (root || document).querySelectorAll("select[data-people-picker]:not([data-picker-ready])").forEach(function (select) {
      select.setAttribute("data-picker-ready", "");
      enhance(select);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { start(); });
  else start();
  document.addEventListener("htmx:afterSwap", function (event) { start(event.target); });
})();
