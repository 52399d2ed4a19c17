// Web chat: optimistic sending, stored history as the source of truth, live lawyer replies over SSE.
(function () {
  "use strict";

  var log = document.getElementById("log");
  var input = document.getElementById("message-input");
  var form = document.getElementById("composer");
  var typing = document.getElementById("typing");
  var banner = document.getElementById("escalation-banner");
  var notice = document.getElementById("notice");

  var AUTHORS = {
    worker: { label: "我说：", avatar: "avatar-worker.svg" },
    bot: { label: "助手说：", avatar: "avatar-bot.svg" },
    lawyer: { label: "工会律师说：", avatar: "avatar-lawyer.svg", name: "工会律师" },
    system: { label: "系统消息：" }
  };
  var lastId = 0;
  var rendered = {};
  var pending = [];   // optimistic worker bubbles waiting for their stored id
  var inFlight = 0;

  function clientId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function buildMessage(msg) {
    var who = AUTHORS[msg.author] || AUTHORS.bot;
    var row = el("div", "msg " + (AUTHORS[msg.author] ? msg.author : "bot"));
    if (who.avatar) {
      var avatar = el("img", "avatar");
      avatar.src = "/static/webchat/" + who.avatar;
      avatar.alt = "";
      row.appendChild(avatar);
    }
    var bubble = el("div", "bubble");
    bubble.appendChild(el("span", "sr-only", who.label));
    if (who.name) bubble.appendChild(el("span", "author", who.name));
    appendWithHotlines(bubble, msg.text || "", msg.author !== "worker");
    if (msg.citations && msg.citations.length) bubble.appendChild(buildCitations(msg.citations));
    if (msg.buttons && msg.buttons.length) bubble.appendChild(buildButtons(msg.buttons));
    row.appendChild(bubble);
    return row;
  }

  // Public hotlines become tap-to-call links (never a worker's own number: those are not linked).
  var HOTLINE = /(010-\d{8}|12356|12351|12333|12348|12315|12345|12393|12366|12350|110|120|119|122)(?![0-9０-９个天元月年日号%％小时万千百次条级倍周])/g;

  function appendWithHotlines(node, text, linkify) {
    if (!linkify) { node.appendChild(document.createTextNode(text)); return; }
    var last = 0;
    text.replace(HOTLINE, function (number, _group, offset) {
      if (offset > 0 && /[0-9]/.test(text.charAt(offset - 1))) return number;
      node.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", "hotline", number);
      link.href = "tel:" + number.replace(/-/g, "");
      node.appendChild(link);
      last = offset + number.length;
      return number;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function buildCitations(citations) {
    var box = el("div", "citations");
    citations.forEach(function (c) {
      var card = el("details", "citation" + (c.relevance === "possible" ? " possible" : ""));
      var label = c.relevance === "possible" ? "可能相关：" : "法律依据：";
      card.appendChild(el("summary", null, label + bookTitle(c.law) + "第" + c.article + "条"));
      card.appendChild(el("p", null, c.text || ""));
      box.appendChild(card);
    });
    return box;
  }

  function bookTitle(law) {   // nested title marks become 〈〉 inside 《》
    return "《" + String(law).replace(/《/g, "〈").replace(/》/g, "〉") + "》";
  }

  function buildButtons(buttons) {
    var box = el("div", "replies");
    buttons.forEach(function (b) {
      var button = el("button", "reply-button", b.title);
      button.type = "button";
      button.addEventListener("click", function () { send(b.title, b.payload); });
      box.appendChild(button);
    });
    return box;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function apply(view) {
    (view.messages || []).forEach(function (msg) {
      if (rendered[msg.id]) return;
      rendered[msg.id] = true;
      lastId = Math.max(lastId, msg.id);
      if (msg.author === "worker" && pending.length) {
        var mine = pending.shift();   // the stored copy of a bubble already on screen
        mine.classList.remove("pending");
        mine.dataset.id = msg.id;
        return;
      }
      var node = buildMessage(msg);
      node.dataset.id = msg.id;
      log.appendChild(node);
    });
    banner.hidden = !view.escalated;
    scrollDown();
  }

  function say(text) {   // a local notice that is not part of the stored conversation
    log.appendChild(buildMessage({ author: "system", text: text }));
    notice.textContent = text;
    scrollDown();
  }

  function setTyping(delta) {
    inFlight += delta;
    typing.hidden = inFlight === 0;
    if (!typing.hidden) scrollDown();
  }

  function refresh() {
    return fetch("/api/webchat/messages?after=" + lastId, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (view) { if (view) apply(view); })
      .catch(function () {});
  }

  function send(text, payload) {
    text = (text || "").trim();
    if (!text) return;
    var mine = buildMessage({ author: "worker", text: text });
    mine.classList.add("pending");
    pending.push(mine);
    log.appendChild(mine);
    scrollDown();
    setTyping(1);
    fetch("/api/webchat/messages", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text, client_id: clientId(), after: lastId, payload: payload || null })
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      if (res.status === 200) return apply(res.body);
      drop(mine);
      say(typeof res.body.detail === "string" ? res.body.detail : "消息没有发出去，请稍后重试。");
    }).catch(function () {
      drop(mine);
      say("网络不太好，消息没有发出去，请稍后重试。");
    }).then(function () { setTyping(-1); });
  }

  function drop(mine) {
    var i = pending.indexOf(mine);
    if (i >= 0) pending.splice(i, 1);
    mine.classList.remove("pending");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".topic"), function (button) {
    button.addEventListener("click", function () {
      send(button.dataset.text);
      input.focus();
    });
  });

  function listen() {
    if (!window.EventSource) return;
    var stream = new EventSource("/api/webchat/stream");
    stream.addEventListener("open", refresh);       // also catches up after every reconnect
    stream.addEventListener("message", refresh);    // a lawyer's reply (already stored)
  }

  refresh().then(listen);
})();
