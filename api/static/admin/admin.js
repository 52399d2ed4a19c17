// /admin behaviour: confirm dangerous buttons, poll a running index build, and render answer previews.
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf"]') || {}).content || "";

  function confirmButtons() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
  }

  const STATES = { running: "进行中", succeeded: "已完成", failed: "失败" };

  function pollJob() {
    const box = document.getElementById("job");
    if (!box) return;
    const fill = box.querySelector(".fill");
    fill.style.width = fill.dataset.percent + "%";  // set here: the page allows no inline styles (CSP)
    if (box.dataset.state !== "running") return;
    const timer = setInterval(async function () {
      try {
        const response = await fetch("/admin/index/jobs/" + box.dataset.job, { credentials: "same-origin" });
        if (!response.ok) return;
        const job = await response.json();
        box.dataset.state = job.state;
        box.className = "job " + job.state;
        box.querySelector(".fill").style.width = job.percent + "%";
        box.querySelector(".job-state").textContent = STATES[job.state] || job.state;
        box.querySelector(".job-stage").textContent = job.stage;
        box.querySelector(".job-count").textContent = job.done + "/" + job.total;
        box.querySelector(".job-elapsed").textContent = job.elapsed_s;
        box.querySelector(".job-message").textContent = job.message;
        if (job.state !== "running") {
          clearInterval(timer);
          window.location.replace("/admin/index?job=" + job.id);  // fresh version list and serving version
        }
      } catch (err) { /* the next poll retries */ }
    }, 1000);
  }

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function renderPreview(reply) {
    document.getElementById("r-intent").textContent = reply.intent;
    document.getElementById("r-confidence").textContent = reply.confidence.toFixed(2);
    const esc = document.getElementById("r-escalate");
    esc.textContent = reply.escalate ? "将转人工（" + (reply.priority || "") + "）：" + reply.reasons.join("、") : "机器人直接回答";
    esc.className = reply.escalate ? "escalate" : "no-escalate";
    document.getElementById("r-entities").textContent = reply.entities.length
      ? "识别到的信息：" + reply.entities.map(function (e) { return e.entity + "=" + e.value; }).join("，") : "";
    document.getElementById("r-answer").textContent = reply.answer;
    const list = document.getElementById("r-citations");
    list.replaceChildren();
    reply.citations.forEach(function (c) {
      const item = document.createElement("li");
      item.append(text("div", "《" + c.law + "》第" + c.article + "条", "law"), text("div", c.text, "text"));
      list.append(item);
    });
    if (!reply.citations.length) list.append(text("li", "（无）", "hint"));
    document.getElementById("r-json").textContent = JSON.stringify(reply, null, 2);
    document.getElementById("preview-result").hidden = false;
  }

  function preview() {
    const form = document.getElementById("preview-form");
    if (!form) return;
    const error = document.getElementById("preview-error");
    async function run() {
      error.hidden = true;
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const response = await fetch("/admin/preview", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
          body: JSON.stringify({ text: form.elements.text.value }),
        });
        const body = await response.json();
        if (!response.ok) throw new Error(body.detail || "预览失败");
        renderPreview(body);
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    if (form.elements.text.value.trim()) run();
  }

  document.addEventListener("DOMContentLoaded", function () { confirmButtons(); pollJob(); preview(); });
})();
