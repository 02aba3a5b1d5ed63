// "call.ring" on any page: a banner saying who is calling, with Join and Dismiss.
(function () {
  "use strict";
  var labels = document.querySelector("[data-ring-labels]");
  if (!labels) return;
  document.addEventListener("plaza:event", function (event) {
    var data = event.detail;
    if (data.type === "call.ended") {
      var old = document.getElementById("call-ring-" + data.call_id);
      if (old) old.remove();
      return;
    }
    if (data.type !== "call.ring" || document.querySelector('[data-call-id="' + data.call_id + '"]')) return;
    var box = document.createElement("div");
    box.className = "call-ring";
    box.id = "call-ring-" + data.call_id;
    box.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = labels.dataset.calling.replace("%(name)s", data.from.name);
    var join = document.createElement("a");
    join.href = data.url;
    join.setAttribute("role", "button");
    join.textContent = labels.dataset.join;
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary";
    dismiss.textContent = labels.dataset.dismiss;
    dismiss.addEventListener("click", function () { box.remove(); });
    box.append(text, join, dismiss);
    document.body.append(box);
  });
})();
