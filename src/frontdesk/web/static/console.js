/* frontdesk operator console: the inbox, a thread's whole conversation, and the decisions.
 * Operators sign in with their name (kept on every decision) and the operator key (sent as
 * X-API-Key; kept for this tab only). Customer and model text is always inserted as text.
 * The inbox refreshes every two seconds, so another operator's decision shows up; a decision
 * someone else made first is refused by the server, and the refusal (who won) is shown. */
(function () {
  "use strict";
  var session = JSON.parse(sessionStorage.getItem("frontdesk.operator") || "null");
  var selected = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ "content-type": "application/json", "X-API-Key": session.key }, options.headers || {});
    return fetch(path, options).then(async function (response) {
      var body = await response.json().catch(function () { return {}; });
      if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : response.status + " " + response.statusText);
      return body;
    });
  }
  function age(seconds) {
    var minutes = Math.floor(seconds / 60);
    return minutes >= 60 ? Math.floor(minutes / 60) + "h" + String(minutes % 60).padStart(2, "0") + "m" : minutes + "m";
  }

  function showSignin() {
    $("signin-view").hidden = false;
    $("console-view").hidden = true;
    $("operator-name").focus();
  }
  $("signin").addEventListener("submit", async function (event) {
    event.preventDefault();
    session = { name: $("operator-name").value.trim(), key: $("operator-key").value };
    try {
      await api("/inbox");
      sessionStorage.setItem("frontdesk.operator", JSON.stringify(session));
      start();
    } catch (error) {
      $("signin-status").textContent = "Could not sign in: " + error.message;
    }
  });

  function start() {
    $("signin-view").hidden = true;
    $("console-view").hidden = false;
    $("who").textContent = "Signed in as " + session.name;
    refresh();
    setInterval(refresh, 2000);
  }

  async function refresh() {
    var items;
    try { items = await api("/inbox"); } catch (error) { return status("error", "The inbox could not be read: " + error.message); }
    var body = $("inbox");
    body.replaceChildren();
    $("inbox-count").textContent = "(" + items.length + ")";
    $("inbox-empty").hidden = items.length > 0;
    items.forEach(function (item) {
      var row = el("tr", { "class": "item", "tabindex": "0", "data-id": item.id, "aria-selected": String(selected && selected.id === item.id) });
      var what = el("td");
      what.appendChild(el("span", { "class": item.priority === "high" ? "high" : "" }, item.kind + " " + item.id));
      what.appendChild(el("div", {}, item.summary || ""));
      row.appendChild(what);
      row.appendChild(el("td", {}, item.customer_id || "—"));
      row.appendChild(el("td", { "class": item.overdue ? "overdue" : "" }, age(item.age_s) + (item.overdue ? " (over SLA)" : "")));
      function open() { select(item); }
      row.addEventListener("click", open);
      row.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } });
      body.appendChild(row);
    });
    if (selected && !items.some(function (i) { return i.id === selected.id; })) {
      // decided here or by someone else: keep the conversation, drop the actions
      $("actions").replaceChildren(el("p", {}, "This item is no longer waiting."));
    }
  }

  async function select(item) {
    selected = item;
    $("item").hidden = false;
    $("item-title").textContent = item.kind + " " + item.id + " · " + (item.customer_id || "no customer yet");
    var details = item.details || {};
    $("item-details").textContent = Object.keys(details).map(function (k) {
      var value = typeof details[k] === "string" ? details[k] : JSON.stringify(details[k]);
      return k + ": " + value;
    }).join("\n");
    $("action-status").hidden = true;
    actions(item);
    await conversation(item.thread_id);
    document.querySelectorAll("tr.item").forEach(function (row) { row.setAttribute("aria-selected", String(row.dataset.id === item.id)); });
  }

  async function conversation(threadId) {
    var box = $("conversation");
    box.replaceChildren(el("p", {}, "Loading…"));
    var data;
    try { data = await api("/operator/threads/" + encodeURIComponent(threadId)); } catch (error) { box.replaceChildren(el("p", {}, error.message)); return; }
    box.replaceChildren();
    (data.messages || []).forEach(function (m) {
      var kind = m.role === "ai" && m.name === "operator" ? "operator" : m.role;
      var node = el("div", { "class": "msg " + kind });
      var who = m.role === "human" ? "customer" : m.role === "tool" ? "tool " + (m.name || "") : (m.name || "agent");
      node.appendChild(el("span", { "class": "who" }, who));
      if (m.content) node.appendChild(document.createTextNode(m.content));
      (m.tool_calls || []).forEach(function (call) {
        node.appendChild(el("div", {}, "→ " + call.name + " " + JSON.stringify(call.args)));
      });
      box.appendChild(node);
    });
    if (data.grade) box.appendChild(el("p", {}, "Last grader verdict: " + data.grade.verdict + " — " + (data.grade.reasons || []).join("; ")));
  }

  function button(text, handler, secondary) {
    var b = el("button", { "type": "button", "class": secondary ? "secondary" : "" }, text);
    b.addEventListener("click", handler);
    return b;
  }
  function field(id, labelText, tag, value) {
    var wrap = el("div");
    wrap.appendChild(el("label", { "for": id }, labelText));
    var input = el(tag || "input", { "id": id });
    if (value !== undefined) input.value = value;
    wrap.appendChild(input);
    return wrap;
  }
  function status(kind, text) {
    var box = $("action-status");
    box.hidden = false;
    box.className = "status " + kind;
    box.textContent = text;
  }
  async function decide(path, body, done) {
    try {
      await api(path, { method: "POST", body: JSON.stringify(Object.assign({ operator: session.name }, body)) });
      status("ok", done);
      await refresh();
      if (selected) await conversation(selected.thread_id);
    } catch (error) {
      status("error", error.message);  // e.g. "approval A-… was already approved by maya"
    }
  }

  function actions(item) {
    var box = $("actions");
    box.replaceChildren();
    var base = "/inbox/" + encodeURIComponent(item.id);
    if (item.kind === "approval") {
      box.appendChild(button("Approve", function () { decide(base + "/approve", {}, "Approved " + item.id); }));
      box.appendChild(field("reject-reason", "Reason (told to the agent)"));
      box.appendChild(button("Reject", function () {
        var reason = $("reject-reason").value.trim();
        if (!reason) return status("error", "A rejection needs a reason.");
        decide(base + "/reject", { reason: reason }, "Rejected " + item.id);
      }, true));
      box.appendChild(field("edit-args", "Arguments to approve instead (JSON)", "textarea", JSON.stringify((item.details || {}).args || {}, null, 1)));
      box.appendChild(button("Approve with these arguments", function () {
        var args;
        try { args = JSON.parse($("edit-args").value); } catch (error) { return status("error", "The arguments are not JSON: " + error.message); }
        decide(base + "/edit", { args: args }, "Approved " + item.id + " with edited arguments");
      }, true));
    } else {
      box.appendChild(field("reply-text", "Your reply to the customer", "textarea"));
      var keep = el("input", { "type": "checkbox", "id": "reply-keep" });
      var keepLabel = el("label", { "for": "reply-keep" });
      keepLabel.append(keep, " Keep the thread (the agents stay out until you hand it back)");
      box.appendChild(keepLabel);
      box.appendChild(button("Send reply", function () {
        var text = $("reply-text").value.trim();
        if (!text) return status("error", "Write a reply first.");
        decide(base + "/reply", { text: text, keep: keep.checked }, "Replied to " + item.id);
      }));
    }
    box.appendChild(field("switch-customer", "Move the thread to customer (id)"));
    box.appendChild(field("switch-reason", "Why"));
    box.appendChild(button("Switch customer", function () {
      var customer = $("switch-customer").value.trim(), reason = $("switch-reason").value.trim();
      if (!customer || !reason) return status("error", "A switch needs the customer id and a reason.");
      decide("/threads/" + encodeURIComponent(item.thread_id) + "/customer", { customer_id: customer, reason: reason }, "Moved to " + customer);
    }, true));
  }

  if (session) start(); else showSignin();
})();
