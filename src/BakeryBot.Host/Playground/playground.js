(() => {
  'use strict';
  const API = '/playground/api';
  const ACCENTS = ['neutral', 'info', 'success', 'warning', 'danger', 'critical'];
  const STYLES = ['default', 'primary', 'danger'];
  const $ = (id) => document.getElementById(id);
  const stream = $('stream'), input = $('command');

  const state = { users: [], channels: [], user: null, channel: null };
  const cache = {};          // channelId -> { version, messages } as last fetched from the server
  const local = {};          // channelId -> items only this page knows: typed commands and private replies
  const nodes = new Map();   // render key -> { sig, node } for the channel on screen
  const history = [];
  let histPos = 0, draft = '', seq = 0;
  const empty = el('p', 'empty', 'No messages yet — try a command below.');

  // Every piece of server text goes through textContent: no innerHTML anywhere, so no XSS.
  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  // Platform mentions -> readable: <@alice> -> @alice, <#C1|cab> -> #cab, Teams <at>Bob</at> -> @Bob.
  function tidy(s) {
    return String(s ?? '')
      .replace(/<at>(.*?)<\/at>/g, '@$1')
      .replace(/<([@#])([^<>|\s]+)(?:\|([^<>]*))?>/g, (m, sigil, id, label) => sigil + (label || id));
  }

  function fmtTime(at) {
    const d = new Date(at);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  async function api(path, body) {
    const init = body === undefined
      ? { cache: 'no-store', headers: { Accept: 'application/json' } }
      : { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) };
    const res = await fetch(API + path, init);
    let data = null;
    try { data = await res.json(); } catch { /* not JSON: the caller reports the status */ }
    return { ok: res.ok, status: res.status, data };
  }

  function userName(id) { return (state.users.find((u) => u.id === id) || {}).name || id; }

  // ---- rendering ---------------------------------------------------------------------------

  function renderCard(card) {
    const c = el('div', 'card accent-' + (ACCENTS.includes(card.accent) ? card.accent : 'neutral'));
    if (card.title) c.append(el('div', 'card-title', tidy(card.title)));
    for (const s of card.sections || []) {
      if (!s) continue;
      if (s.kind === 'fields') {
        const grid = el('dl', 'card-fields');
        for (const f of s.fields || []) {
          const cell = el('div');
          cell.append(el('dt', null, tidy(f.label)), el('dd', null, tidy(f.value)));
          grid.append(cell);
        }
        c.append(grid);
      } else if (s.kind === 'context') c.append(el('p', 'card-context', tidy(s.text)));
      else if (s.kind === 'divider') c.append(el('hr'));
      else if (s.kind === 'input') {
        // A text box whose value travels with the card's buttons (a reason, a note).
        const id = 'in-' + Math.random().toString(36).slice(2);
        const label = el('label', 'card-input-label', tidy(s.label));
        label.htmlFor = id;
        const box = el(s.multiline ? 'textarea' : 'input', 'card-input');
        box.id = id;
        box.dataset.input = s.id || '';
        if (s.placeholder) box.placeholder = s.placeholder;
        c.append(label, box);
      }
      else if (s.text != null) c.append(el('p', 'card-text', tidy(s.text))); // 'text', and unknown kinds rather than lose them
    }
    if (card.buttons && card.buttons.length) {
      const row = el('div', 'card-buttons');
      for (const b of card.buttons) {
        const btn = el('button', 'btn btn-' + (STYLES.includes(b.style) ? b.style : 'default'), b.text || b.actionId);
        btn.type = 'button';
        btn.dataset.action = b.actionId || '';
        if (b.value != null) btn.dataset.value = b.value;
        row.append(btn);
      }
      c.append(row);
    }
    if (card.context) c.append(el('p', 'card-context', tidy(card.context)));
    return c;
  }

  function meta(who, at, onlyYou, edited) {
    const m = el('div', 'meta');
    m.append(el('span', 'who', who));
    const t = el('time', null, fmtTime(at));
    if (!isNaN(new Date(at))) t.dateTime = new Date(at).toISOString();
    m.append(t);
    if (edited) m.append(el('span', null, '(edited)'));
    if (onlyYou) m.append(el('span', 'only-you', 'Only visible to you'));
    return m;
  }

  function buildServer(m) {
    const n = el('div', 'msg msg-bot' + (m.privateTo ? ' reply-private' : ''));
    n.append(meta('BakeryBot', m.postedAt, !!m.privateTo, m.updatedAt && m.updatedAt !== m.postedAt));
    if (m.text) n.append(el('p', 'msg-text', tidy(m.text)));
    if (m.card) n.append(renderCard(m.card));
    return n;
  }

  function buildLocal(it) {
    if (it.kind === 'command') {
      const n = el('div', 'msg local-command');
      n.append(meta(userName(it.user) + ' (you)', it.at, true), el('p', 'msg-text', it.text));
      return n;
    }
    const r = it.reply;
    const kind = r.kind === 'warning' || r.kind === 'error' ? r.kind : 'private';
    const n = el('div', 'msg reply-' + kind);
    if (r.redraw) n.dataset.local = String(it.id); // a view (the home) drawn again after a click on it
    n.append(meta('BakeryBot', it.at, true));
    if (r.text) n.append(el('p', 'msg-text', tidy(r.text)));
    for (const card of r.cards || []) if (card) n.append(renderCard(card));
    return n;
  }

  // Server messages (in server order) and this user's local items of the current channel. A local item
  // goes after the server messages that existed when it was added: this ignores clocks, so a skewed or
  // fake server clock cannot push typed commands to odd places.
  function entries() {
    const ch = state.channel, out = [];
    const msgs = (cache[ch] && cache[ch].messages) || [];
    const mine = (local[ch] || []).filter((it) => it.user === state.user);
    let li = 0;
    const flushLocal = (upTo) => {
      for (; li < mine.length && mine[li].known <= upTo; li++) {
        const it = mine[li];
        out.push({ key: 'l:' + it.id, sig: String(it.rev || 0), build: () => buildLocal(it) });
      }
    };
    msgs.forEach((m, i) => {
      flushLocal(i);
      if (!m || (m.privateTo && m.privateTo !== state.user)) return;
      out.push({ key: 's:' + m.id, sig: JSON.stringify(m), build: () => buildServer(m) });
    });
    flushLocal(Infinity);
    return out;
  }

  // Keyed update rather than rebuilding the list: unchanged messages keep their DOM node, so focus
  // stays on a button and the aria-live log announces only what is really new or changed.
  function render(forceScroll) {
    const atBottom = stream.scrollHeight - stream.scrollTop - stream.clientHeight < 60;
    const list = entries(), keep = new Set();
    const wanted = list.map((e) => {
      keep.add(e.key);
      let rec = nodes.get(e.key);
      if (!rec || rec.sig !== e.sig) { rec = { sig: e.sig, node: e.build() }; nodes.set(e.key, rec); }
      return rec.node;
    });
    for (const k of [...nodes.keys()]) if (!keep.has(k)) nodes.delete(k);
    if (!wanted.length) wanted.push(empty);
    let prev = null;
    for (const n of wanted) {
      const expected = prev ? prev.nextSibling : stream.firstChild;
      if (n !== expected) stream.insertBefore(n, expected);
      prev = n;
    }
    while (prev.nextSibling) prev.nextSibling.remove(); // stale and replaced nodes end up here
    if (forceScroll || atBottom) stream.scrollTop = stream.scrollHeight;
  }

  function addLocal(ch, user, item) {
    const known = ((cache[ch] && cache[ch].messages) || []).length;
    (local[ch] = local[ch] || []).push(Object.assign({ id: ++seq, at: Date.now(), user, known }, item));
    if (ch === state.channel) render(true);
  }

  function setStatus(text) { $('status').textContent = text; }

  // ---- talking to the bot ------------------------------------------------------------------

  async function post(path, body) {
    const { channel, user } = body;
    let reply;
    try {
      const r = await api(path, body);
      reply = r.data && r.data.reply;
      if (!reply) reply = { kind: 'error', text: 'The bot gave an unexpected answer (HTTP ' + r.status + ').' };
    } catch (err) {
      reply = { kind: 'error', text: 'Could not reach the bot: ' + err.message };
    }
    if (reply.kind !== 'none' && (reply.text || (reply.cards && reply.cards.length))) addLocal(channel, user, { kind: 'reply', reply });
    poll(); // the command or button has probably posted or updated a channel message
  }

  function send() {
    const text = input.value.trim();
    if (!text || !state.user || !state.channel) return;
    if (history[history.length - 1] !== text) history.push(text);
    histPos = history.length; draft = '';
    input.value = '';
    addLocal(state.channel, state.user, { kind: 'command', text });
    post('/command', { user: state.user, channel: state.channel, text });
  }

  // A reply that is a view of what needs the person (the home) names the command that draws it again:
  // after a click on one of its buttons it is run again, so the view shows what the click did.
  async function redraw(id) {
    const it = (local[state.channel] || []).find((x) => x.id === id);
    if (!it || !it.reply || !it.reply.redraw) return;
    try {
      const r = await api('/command', { user: it.user, channel: state.channel, text: it.reply.redraw });
      const reply = r.data && r.data.reply;
      if (reply && reply.redraw) {
        it.reply = reply;
        it.rev = (it.rev || 0) + 1;
        render();
      }
    } catch { /* the view stays as it was; the click's own answer says what happened */ }
  }

  let polling = false, again = false, timer = 0;
  async function poll() {
    clearTimeout(timer);
    if (polling) { again = true; return; } // one request at a time; re-poll as soon as it ends
    polling = true;
    const ch = state.channel;
    try {
      if (ch) {
        const known = cache[ch];
        const r = await api('/channels/' + encodeURIComponent(ch) + '/messages?since=' + (known ? known.version : 0));
        const d = r.data;
        if (!r.ok || !d) throw new Error('HTTP ' + r.status);
        if (Array.isArray(d.messages) && (!known || d.version !== known.version)) {
          cache[ch] = { version: d.version, messages: d.messages };
          if (ch === state.channel) render();
        }
      }
      setStatus('');
    } catch (err) {
      setStatus('Connection problem (' + err.message + ') — retrying…');
    } finally {
      polling = false;
      timer = setTimeout(poll, again ? 0 : 1000);
      again = false;
    }
  }

  // ---- controls ----------------------------------------------------------------------------

  function selectChannel(id) {
    state.channel = id;
    for (const b of $('channels').querySelectorAll('button')) b.setAttribute('aria-current', String(b.dataset.channel === id));
    const c = state.channels.find((x) => x.id === id);
    $('channel-title').textContent = c ? (c.name || '#' + c.id) : '';
    nodes.clear();
    stream.replaceChildren();
    render(true);
    poll();
  }

  function selectUser(id) {
    state.user = id;
    const u = state.users.find((x) => x.id === id);
    const roles = (u && u.roles) || [];
    $('user-roles').textContent = 'Roles: ' + (roles.length ? roles.join(', ') : 'none');
    render(); // private messages and local items are per user
  }

  async function init() {
    try {
      const r = await api('/setup');
      if (!r.ok || !r.data) throw new Error('HTTP ' + r.status);
      state.users = r.data.users || [];
      state.channels = r.data.channels || [];
    } catch (err) {
      setStatus('Could not load the playground (' + err.message + ') — retrying…');
      setTimeout(init, 3000);
      return;
    }
    setStatus('');
    const select = $('user');
    for (const u of state.users) {
      const roles = u.roles || [];
      const opt = el('option', null, (u.name || u.id) + (roles.length ? ' (' + roles.join(', ') + ')' : ''));
      opt.value = u.id;
      select.append(opt);
    }
    for (const c of state.channels) {
      const b = el('button', null, c.name || '#' + c.id);
      b.type = 'button';
      b.dataset.channel = c.id;
      $('channels').append(b);
    }
    if (state.users.length) selectUser(state.users[0].id);
    if (state.channels.length) selectChannel(state.channels[0].id);
    input.focus();
  }

  $('user').addEventListener('change', (e) => selectUser(e.target.value));
  $('channels').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-channel]');
    if (b && b.dataset.channel !== state.channel) selectChannel(b.dataset.channel);
  });
  $('examples').addEventListener('click', (e) => {
    const chip = e.target.closest('.chip');
    if (!chip) return;
    input.value = chip.textContent;
    histPos = history.length;
    input.focus();
  });
  $('composer').addEventListener('submit', (e) => { e.preventDefault(); send(); });

  // Shell-like history: Up walks back, Down walks forward and finally restores the unsent draft.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp' && histPos > 0) {
      if (histPos === history.length) draft = input.value;
      input.value = history[--histPos];
    } else if (e.key === 'ArrowDown' && histPos < history.length) {
      input.value = ++histPos === history.length ? draft : history[histPos];
    } else return;
    e.preventDefault();
    input.setSelectionRange(input.value.length, input.value.length);
  });

  // Card buttons: one delegated handler; the action runs as the selected user in the current channel.
  stream.addEventListener('click', async (e) => {
    const btn = e.target.closest('.card button[data-action]');
    if (!btn || !state.user || !state.channel) return;
    btn.disabled = true;
    try {
      const inputs = {};
      const card = btn.closest('.card');
      if (card) for (const box of card.querySelectorAll('[data-input]')) if (box.value) inputs[box.dataset.input] = box.value;
      const view = btn.closest('[data-local]');
      await post('/action', { user: state.user, channel: state.channel, actionId: btn.dataset.action, value: btn.dataset.value, inputs });
      if (view) await redraw(Number(view.dataset.local));
    } finally {
      btn.disabled = false; // a re-rendered card replaces the node anyway
    }
  });

  init();
})();
