// The console's only script: keeps the kiosk table live (server-sent events) and asks before risky actions.
const rows = document.getElementById('kiosk-rows');
if (rows) {
  const alerts = document.getElementById('alerts');
  const summary = document.getElementById('summary');
  const events = new EventSource('/events');
  events.addEventListener('table', (e) => {
    const update = JSON.parse(e.data);
    rows.innerHTML = update.rows;
    if (alerts) alerts.innerHTML = update.alerts;
    if (summary) summary.textContent = update.summary;
    document.body.dataset.live = 'yes';
  });
}
for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (e) => {
    if (!window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      return;
    }
    const confirmField = form.querySelector('input[name=confirm]');
    if (confirmField) confirmField.value = 'yes';
  });
}
