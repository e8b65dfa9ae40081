/* Kefu: progressive enhancement only; CSP script-src 'self' safe. */
(() => {
  'use strict';
  const d = document;
  const body = d.body;
  const nav = d.getElementById('sidenav');
  const toggles = d.querySelectorAll('[data-nav-toggle]');
  const isOpen = () => body.classList.contains('nav-open');

  const setNav = (open, refocus) => {
    body.classList.toggle('nav-open', open);
    toggles.forEach((t) => t.setAttribute('aria-expanded', String(open)));
    if (open && nav) {
      const first = nav.querySelector('a[href]');
      if (first) first.focus();
    } else if (refocus && toggles[0]) {
      toggles[0].focus();
    }
  };

  const wide = window.matchMedia('(min-width: 768px)');
  const onWide = () => { if (wide.matches && isOpen()) setNav(false); };
  if (wide.addEventListener) wide.addEventListener('change', onWide);
  else if (wide.addListener) wide.addListener(onWide);

  const copy = (el) => {
    const text = el.textContent.trim();
    const done = () => {
      el.classList.add('copied');
      clearTimeout(el.kefuTimer);
      el.kefuTimer = setTimeout(() => el.classList.remove('copied'), 1600);
    };
    const select = () => window.getSelection().selectAllChildren(el);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, select);
    } else {
      select();
    }
  };

  const zh = /^zh/i.test(d.documentElement.lang || '');
  d.querySelectorAll('[data-copy]').forEach((el) => {
    if (el.tabIndex < 0) el.tabIndex = 0;
    if (!el.title) el.title = zh ? '点击复制' : 'Click to copy';
  });

  d.addEventListener('click', (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    if (t.closest('[data-nav-toggle]')) {
      setNav(!isOpen());
      return;
    }
    if (isOpen() && (t.closest('.sidenav a') || !t.closest('.sidenav'))) setNav(false);
    const c = t.closest('[data-copy]');
    if (c) copy(c);
  });

  d.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (e.key === 'Escape' && isOpen()) {
      setNav(false, true);
      return;
    }
    const a = d.activeElement;
    const typing = a && (a.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName));
    if ((e.key === 'Enter' || e.key === ' ') && a && a.hasAttribute('data-copy') && !typing) {
      e.preventDefault();
      copy(a);
      return;
    }
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typing) return;
    // The page's own search first (a list's filter), else the top bar's.
    const q = d.querySelector('main input[name="q"], main input[type="search"]') || d.getElementById('global-q');
    if (q && !q.disabled) {
      e.preventDefault();
      q.focus();
      q.select();
    }
  });

  // On a phone the list filters fold away behind their 筛选 line (the page shows them open without script).
  if (window.matchMedia('(max-width: 767px)').matches) {
    d.querySelectorAll('details.filter-panel[open]').forEach((panel) => { panel.open = false; });
  }

  // Enter in a box that has its own button (查找客户 on the intake page) presses that button, not the form's first.
  d.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key !== 'Enter' || e.isComposing || !(t instanceof HTMLInputElement) || !t.dataset.enterClicks) return;
    const button = d.getElementById(t.dataset.enterClicks);
    if (button) {
      e.preventDefault();
      button.click();
    }
  });

  // A confirmation may sit on the form or on the button that submits it (调整负责人, 合并, 匿名化).
  d.addEventListener('submit', (e) => {
    const f = e.target;
    if (!(f instanceof HTMLFormElement)) return;
    const b = e.submitter;
    const holder = b && b.hasAttribute('data-confirm') ? b : (f.hasAttribute('data-confirm') ? f : null);
    if (holder && !window.confirm(holder.getAttribute('data-confirm'))) {
      e.preventDefault();
    }
  });
})();

/* Issue 10, lists: select every row of the page with one box; the box shows only with script. */
(() => {
  'use strict';
  document.querySelectorAll('input[data-select-all]').forEach((all) => {
    const form = all.form || all.closest('form');
    if (!form) return;
    const boxes = () => [...form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)];
    all.hidden = false;
    const sync = () => {
      const list = boxes();
      const on = list.filter((b) => b.checked).length;
      all.checked = on > 0 && on === list.length;
      all.indeterminate = on > 0 && on < list.length;
    };
    all.addEventListener('change', () => { boxes().forEach((b) => { b.checked = all.checked; }); });
    form.addEventListener('change', (e) => { if (e.target !== all && e.target.name === all.dataset.selectAll) sync(); });
    sync();
  });
})();

/* Issue 10, the pipeline board: a card dropped on another stage fills its own move form. Moving to intent or
   negotiation opens the form to ask for the next follow-up; any other stage is sent at once. Without
   script (or drag and drop) the form on each card does the same. */
(() => {
  'use strict';
  const board = document.getElementById('board');
  if (!board) return;
  const asks = ['intent', 'negotiating'];
  let dragged = null;
  board.addEventListener('dragstart', (e) => {
    const card = e.target instanceof Element ? e.target.closest('[data-card]') : null;
    if (!card) return;
    dragged = card;
    card.classList.add('is-dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', card.dataset.card);
  });
  board.addEventListener('dragend', () => {
    if (dragged) dragged.classList.remove('is-dragging');
    board.querySelectorAll('.is-drop-target').forEach((c) => c.classList.remove('is-drop-target'));
    dragged = null;
  });
  board.addEventListener('dragover', (e) => {
    const column = e.target instanceof Element ? e.target.closest('.board-column') : null;
    if (!column || !dragged) return;
    e.preventDefault();
    board.querySelectorAll('.is-drop-target').forEach((c) => { if (c !== column) c.classList.remove('is-drop-target'); });
    column.classList.add('is-drop-target');
  });
  board.addEventListener('drop', (e) => {
    const column = e.target instanceof Element ? e.target.closest('.board-column') : null;
    if (!column || !dragged) return;
    e.preventDefault();
    const stage = column.dataset.stage;
    const form = dragged.querySelector('form.board-move-form');
    if (!form || dragged.closest('.board-column') === column) return;
    form.elements.stage.value = stage;
    if (asks.includes(stage) || stage === 'lost') {
      column.querySelector('.board-cards').prepend(dragged);
      const details = dragged.querySelector('details.board-move');
      details.open = true;
      const next = stage === 'lost' ? form.elements.lostReason : form.elements.followUpDueAt;
      if (next) next.focus();
    } else {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
})();

/* Issue 10, one-screen intake: once a whole mainland mobile is typed, ask whether a file has it and offer
   that file. Nothing typed is lost: 使用该档案 is the form's own button, which keeps every field. */
(() => {
  'use strict';
  const input = document.querySelector('input[data-duplicate-check]');
  const box = document.getElementById('mobile-duplicates');
  if (!input || !box) return;
  let asked = '';
  const check = () => {
    const digits = input.value.replace(/[\s-]/g, '').replace(/^\+?86/, '');
    if (!/^1[3-9]\d{9}$/.test(digits) || digits === asked) {
      if (!/^1[3-9]\d{9}$/.test(digits)) { box.hidden = true; box.replaceChildren(); asked = ''; }
      return;
    }
    asked = digits;
    fetch(`${input.dataset.duplicateCheck}?mobile=${encodeURIComponent(digits)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : []))
      .then((matches) => {
        if (asked !== digits) return;
        box.replaceChildren();
        if (!Array.isArray(matches) || matches.length === 0) { box.hidden = true; return; }
        const p = document.createElement('p');
        p.textContent = box.dataset.found;
        box.append(p);
        const list = document.createElement('ul');
        list.className = 'plain';
        matches.forEach((m) => {
          const li = document.createElement('li');
          const code = document.createElement('code');
          code.textContent = m.code;
          li.append(code, ` ${m.name}${m.companyName ? ` ${m.companyName}` : ''}${m.responsibleName ? ` · ${box.dataset.owner} ${m.responsibleName}` : ''} `);
          const use = document.createElement('button');
          use.type = 'submit';
          use.name = 'useCustomer';
          use.value = String(m.id);
          use.formNoValidate = true;
          use.className = 'btn btn-small use-duplicate';
          use.textContent = box.dataset.use;
          li.append(use);
          list.append(li);
        });
        box.append(list);
        box.hidden = false;
      })
      .catch(() => {});
  };
  input.addEventListener('input', check);
  input.addEventListener('change', check);
  check();
})();

/* Issue 16 §6: a print button where script runs (without it, the browser's own print prints the same page). */
(() => {
  'use strict';
  document.querySelectorAll('button[data-print]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  });
})();
