/* frontdesk chat widget: <script src="https://support.example.com/widget.js"></script>
 *
 * Adds a chat panel to the page. It opens a thread on the frontdesk server it was loaded from
 * (or data-server), keeps it across reloads (localStorage), and shows the turn as it happens:
 * "thinking", each tool checked, the graded reply, a confirmation as the exact action with Yes
 * and No buttons (sent as the customer's answer, like a typed yes or no), and a person's reply
 * while one has the thread. A signed-in customer's identity comes from the host page:
 * data-customer-id, data-expires-at and data-signature (see the docs: identity).
 *
 * A message typed while the agents work is queued and sent when the reply has come (shown as
 * "queued"); nothing typed is dropped. Customer, agent and operator text is always inserted as
 * text, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var server = (script && script.dataset.server) || (script ? new URL(script.src).origin : location.origin);
  var storeKey = "frontdesk.thread." + server;
  var pendingKey = "frontdesk.pending." + server;  // the message in flight, kept across a reload

  var css = [
    ":host{all:initial;font:15px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111}",
    ".panel{position:fixed;right:16px;bottom:16px;width:min(380px,calc(100vw - 32px));height:min(560px,calc(100vh - 32px));",
    "display:flex;flex-direction:column;background:#fff;border:1px solid #767676;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.18);overflow:hidden}",
    "header{background:#1f3a93;color:#fff;padding:10px 14px;font-weight:600}",
    ".log{flex:1;overflow-y:auto;padding:10px;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".customer{align-self:flex-end;background:#1f3a93;color:#fff}",
    ".agent{align-self:flex-start;background:#eef1f7;color:#111}",
    ".operator{align-self:flex-start;background:#e6f4ea;color:#111;border:1px solid #1e7b34}",
    ".note{align-self:center;color:#333;font-size:13px}",
    ".error{align-self:stretch;color:#8a1c1c;background:#fdecea;border-radius:6px;padding:6px 8px;font-size:13px}",
    ".who{display:block;font-size:12px;color:#333;margin-bottom:2px}",
    ".customer .who{color:#fff}",
    ".confirm{align-self:stretch;border:2px solid #b35900;border-radius:8px;padding:8px;background:#fff8f0}",
    ".confirm button,.rate button,form button{font:inherit;padding:6px 14px;margin:6px 6px 0 0;border-radius:6px;border:1px solid #1f3a93;background:#fff;color:#1f3a93;cursor:pointer}",
    ".confirm button.yes,form button{background:#1f3a93;color:#fff}",
    "button:focus-visible,textarea:focus-visible{outline:3px solid #b35900;outline-offset:2px}",
    ".rate{align-self:flex-start;font-size:13px}.rate button{padding:2px 8px;margin:0 4px 0 0}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #767676}",
    "textarea{flex:1;font:inherit;resize:none;height:44px;padding:6px;border:1px solid #767676;border-radius:6px}",
    "form button{margin:0}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;  // text, never HTML
    return node;
  }

  class FrontdeskChat extends HTMLElement {
    connectedCallback() {
      var root = this.attachShadow({ mode: "open" });
      root.appendChild(el("style", {}, css));
      var panel = el("section", { "class": "panel", "aria-label": "Customer support chat" });
      panel.appendChild(el("header", {}, this.getAttribute("title") || "Support"));
      this.log = el("div", { "class": "log", "role": "log", "aria-live": "polite", "aria-label": "Conversation" });
      panel.appendChild(this.log);
      var form = el("form", { "aria-label": "Send a message" });
      var label = el("label", { "for": "fd-input", "class": "sr" }, "Your message");
      this.input = el("textarea", { "id": "fd-input", "placeholder": "Type your message", "maxlength": "8000" });
      var send = el("button", { "type": "submit" }, "Send");
      form.append(label, this.input, send);
      panel.appendChild(form);
      root.appendChild(panel);
      this.queue = [];
      this.busy = false;
      this.seen = 0;
      var self = this;
      form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
      this.input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); self.submit(); }
      });
      this.start();
    }

    headers() {
      return { "content-type": "application/json", "X-Customer-Token": this.thread.customer_token };
    }

    async start() {
      try {
        var saved = JSON.parse(localStorage.getItem(storeKey) || "null");
        this.thread = saved || (await this.open());
        localStorage.setItem(storeKey, JSON.stringify(this.thread));
        await this.refresh(true);
        await this.resume();
      } catch (error) {
        this.error("We could not reach support just now. " + error.message);
        var self = this;
        setTimeout(function () { self.start(); }, 3000);  // reconnect
      }
    }

    async open() {
      var body = {};
      if (script && script.dataset.signature) {
        body.identity = {
          customer_id: script.dataset.customerId,
          expires_at: Number(script.dataset.expiresAt),
          signature: script.dataset.signature
        };
      }
      var response = await fetch(server + "/threads", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body)
      });
      if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
      return response.json();
    }

    /* Show what the thread holds that is not on screen yet; keep polling while it waits for a person
       or while a turn started before a reload is still running. */
    async refresh(first) {
      var response = await fetch(server + "/threads/" + this.thread.thread_id, { headers: this.headers() });
      if (response.status === 403 || response.status === 401) {
        localStorage.removeItem(storeKey);
        this.thread = await this.open();
        localStorage.setItem(storeKey, JSON.stringify(this.thread));
        return;
      }
      var data = await response.json();
      var messages = data.messages || [];
      var answered = false;
      for (var i = this.seen; i < messages.length; i++) {
        this.show(messages[i]);
        if (messages[i].role !== "human") answered = true;
      }
      this.seen = messages.length;
      var waiting = data.waiting_for || [];
      var last = messages[messages.length - 1];
      var pending = waiting.find(function (w) { return w.type === "confirmation"; });
      if (pending && first) this.confirmation(pending.question);
      var person = waiting.some(function (w) { return w.type === "approval" || w.type === "handoff"; });
      var unanswered = last && last.role === "human";
      if (first && unanswered && !person) this.note("Still working on your last message…");
      // poll while a person has the thread, and after they decide until the reply is here
      if (person || (first && unanswered)) this.awaiting = true;
      else if (answered) {
        this.awaiting = false;
        localStorage.removeItem(pendingKey);
      }
      if (this.awaiting) {
        var self = this;
        clearTimeout(this.poll);
        this.poll = setTimeout(function () { self.refresh(false); }, 1500);
      }
    }

    /* A message sent just before a reload: if the thread never got it, send it again; if it did,
       its reply is on the way (refresh polls until it is here). */
    async resume() {
      var pending = localStorage.getItem(pendingKey);
      if (!pending) return;
      var response = await fetch(server + "/threads/" + this.thread.thread_id, { headers: this.headers() });
      var messages = ((await response.json()).messages || []);
      var said = messages.filter(function (m) { return m.role === "human"; }).map(function (m) { return m.content; });
      if (said[said.length - 1] === pending) {
        this.awaiting = messages[messages.length - 1].role === "human";
        if (!this.awaiting) localStorage.removeItem(pendingKey);
        else this.refresh(false);
        return;
      }
      this.bubble("customer", "You", pending);
      this.turn(pending);
    }

    show(message) {
      if (message.role === "human") return this.bubble("customer", "You", message.content);
      var operator = message.name === "operator";
      this.bubble(operator ? "operator" : "agent", operator ? "Support team" : "Assistant", message.content);
    }

    bubble(kind, who, text) {
      var node = el("div", { "class": "msg " + kind });
      node.appendChild(el("span", { "class": "who" }, who));
      node.appendChild(document.createTextNode(text));
      this.log.appendChild(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    note(text) {
      var node = el("div", { "class": "note" }, text);
      this.log.appendChild(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    error(text) {
      var node = el("div", { "class": "error", "role": "alert" }, text);
      this.log.appendChild(node);
      return node;
    }

    confirmation(question) {
      var box = el("div", { "class": "confirm", "role": "group", "aria-label": "Confirm the action" });
      box.appendChild(el("div", {}, question));
      var yes = el("button", { "type": "button", "class": "yes" }, "Yes, go ahead");
      var no = el("button", { "type": "button", "class": "no" }, "No");
      var self = this;
      function answer(text) { box.remove(); self.send(text); }
      yes.addEventListener("click", function () { answer("yes"); });
      no.addEventListener("click", function () { answer("no"); });
      box.append(yes, no);
      this.log.appendChild(box);
      this.log.scrollTop = this.log.scrollHeight;
      yes.focus();
    }

    rating(runId) {
      var box = el("div", { "class": "rate" });
      box.appendChild(el("span", {}, "Was this helpful? "));
      var self = this;
      [["up", "Yes"], ["down", "No"]].forEach(function (pair) {
        var button = el("button", { "type": "button", "aria-label": "Rate this reply: " + pair[1] }, pair[1]);
        button.addEventListener("click", async function () {
          await fetch(server + "/threads/" + self.thread.thread_id + "/feedback", {
            method: "POST", headers: self.headers(), body: JSON.stringify({ rating: pair[0], run_id: runId })
          });
          box.replaceChildren(el("span", {}, "Thanks for your feedback."));
        });
        box.appendChild(button);
      });
      this.log.appendChild(box);
    }

    submit() {
      var text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.send(text);
    }

    send(text) {
      if (this.busy) {  // the documented rule: queued, sent when the reply has come
        this.queue.push(text);
        this.bubble("customer", "You (queued)", text);
        return;
      }
      this.bubble("customer", "You", text);
      this.turn(text);
    }


    async turn(text) {
      this.busy = true;
      localStorage.setItem(pendingKey, text);
      var status = this.note("Sending…");
      try {
        var response = await fetch(server + "/threads/" + this.thread.thread_id + "/messages", {
          method: "POST", headers: this.headers(), body: JSON.stringify({ text: text })
        });
        if (response.status === 409 && response.headers.get("Retry-After")) {
          // the thread is still answering this very message (sent before a reload): wait for its reply
          this.awaiting = true;
          this.refresh(false);
        } else if (!response.ok) {
          localStorage.removeItem(pendingKey);
          var detail = (await response.json()).detail;
          this.error(typeof detail === "string" ? detail : "Your message was not sent.");
        } else {
          await this.read(response.body.getReader(), status);
          localStorage.removeItem(pendingKey);
        }
      } catch (error) {
        this.error("The connection dropped; your message is kept and the reply will appear here.");
        var self = this;
        setTimeout(function () { self.refresh(true); }, 2000);
      } finally {
        status.remove();
        this.busy = false;
        this.seen = await this.count();
        if (this.queue.length) this.turn(this.queue.shift());
      }
    }

    async count() {
      var response = await fetch(server + "/threads/" + this.thread.thread_id, { headers: this.headers() });
      if (!response.ok) return this.seen;
      return ((await response.json()).messages || []).length;
    }

    async read(reader, status) {
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split("\n\n");
        buffer = parts.pop();
        for (var i = 0; i < parts.length; i++) this.event(parts[i], status);
      }
    }

    event(raw, status) {
      var kind = "message", data = "";
      raw.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) kind = line.slice(7);
        else if (line.indexOf("data: ") === 0) data += line.slice(6);
      });
      var payload = data ? JSON.parse(data) : {};
      if (kind === "thinking") status.textContent = "Thinking…";
      else if (kind === "tool") status.textContent = (payload.ok ? "Checked: " : "Could not check: ") + payload.name.replace(/_/g, " ");
      else if (kind === "grade") status.textContent = "Reviewing the reply…";
      else if (kind === "waiting") {
        if (payload.type === "confirmation") this.confirmation(payload.question);
        else {
          this.note(payload.type === "approval"
            ? "A person from our team is reviewing this; their answer will appear here."
            : "A person from our team will answer you here.");
          this.awaiting = true;
          var self = this;
          clearTimeout(this.poll);
          this.poll = setTimeout(function () { self.refresh(false); }, 1500);
        }
      } else if (kind === "done") {
        if (payload.reply) {
          this.bubble(payload.by === "operator" ? "operator" : "agent", payload.by === "operator" ? "Support team" : "Assistant", payload.reply);
          if (payload.run_id) this.rating(payload.run_id);
        }
      } else if (kind === "error") this.error(payload.message || "Something went wrong.");
    }
  }

  if (!customElements.get("frontdesk-chat")) customElements.define("frontdesk-chat", FrontdeskChat);
  function mount() { if (!document.querySelector("frontdesk-chat")) document.body.appendChild(document.createElement("frontdesk-chat")); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
