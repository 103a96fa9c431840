"""The browser tests' harness: a real headless Chromium driven through Selenium and Debian's
chromium-driver, plus what every console test needs — sign in through the UI as a person would,
wait for what the page shows, collect the browser console's errors, and check that every
focusable element is reachable and has an accessible name.

Read by Tests/browser/conftest.py and the test modules; configured from the environment that
scripts/test.sh's browser stage sets:
  ORGD_BROWSER_URL       the console's base URL (http://127.0.0.1:PORT)
  ORGD_DEMO_TENANT       tenant slug (demo)
  ORGD_DEMO_LOGIN        the demo admin's login
  ORGD_DEMO_PASSWORD     the demo admin's password
  ORGD_CHROMIUM, ORGD_CHROMEDRIVER   binaries (default /usr/bin/chromium, /usr/bin/chromedriver)
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

DEFAULT_WAIT = float(os.environ.get("ORGD_BROWSER_WAIT", "10"))


@dataclass
class Account:
    tenant: str
    login: str
    password: str


def base_url() -> str:
    url = os.environ.get("ORGD_BROWSER_URL")
    if not url:
        raise RuntimeError("ORGD_BROWSER_URL is not set (scripts/test.sh's browser stage sets it)")
    return url.rstrip("/")


def demo_account() -> Account:
    password = os.environ.get("ORGD_DEMO_PASSWORD")
    if not password:
        raise RuntimeError("ORGD_DEMO_PASSWORD is not set (the password `orgd seed demo` printed)")
    return Account(os.environ.get("ORGD_DEMO_TENANT", "demo"), os.environ.get("ORGD_DEMO_LOGIN", "admin"), password)


def start_browser(width: int = 1400, height: int = 900, lang: str | None = None) -> webdriver.Chrome:
    """A fresh headless Chromium with its own profile; the console log is kept at every level."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("ORGD_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", f"--window-size={width},{height}"):
        opts.add_argument(arg)
    if lang:
        opts.add_argument(f"--lang={lang}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("ORGD_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_page_load_timeout(30)
    return driver


def open_console(driver, hash_: str = "#/chart") -> None:
    driver.get(f"{base_url()}/{hash_}")


def wait_for(driver, css: str, timeout: float = DEFAULT_WAIT, visible: bool = True):
    """The first element matching css, once present (and visible unless visible=False)."""
    cond = EC.visibility_of_element_located if visible else EC.presence_of_element_located
    try:
        return WebDriverWait(driver, timeout).until(cond((By.CSS_SELECTOR, css)))
    except TimeoutException as e:
        raise AssertionError(f"nothing matching {css!r} appeared within {timeout}s on {driver.current_url}\n"
                             f"page text: {page_text(driver)[:1500]}") from e


def wait_gone(driver, css: str, timeout: float = DEFAULT_WAIT) -> None:
    WebDriverWait(driver, timeout).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_text(driver, css: str, text: str, timeout: float = DEFAULT_WAIT):
    """The first element matching css whose text contains `text`."""
    def found(d):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            try:
                if text in el.text:
                    return el
            except Exception:  # re-rendered between find and read
                continue
        return False
    try:
        return WebDriverWait(driver, timeout).until(found)
    except TimeoutException as e:
        texts = [el.text for el in driver.find_elements(By.CSS_SELECTOR, css)][:20]
        raise AssertionError(f"no {css!r} containing {text!r} within {timeout}s; saw {texts}\n"
                             f"page text: {page_text(driver)[:1500]}") from e


def wait_until(driver, fn, what: str, timeout: float = DEFAULT_WAIT):
    try:
        return WebDriverWait(driver, timeout).until(lambda d: fn(d))
    except TimeoutException as e:
        raise AssertionError(f"timed out waiting for {what}\npage text: {page_text(driver)[:1500]}") from e


def page_text(driver) -> str:
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except Exception:
        return ""


def fill(el, text: str) -> None:
    el.clear()
    el.send_keys(text)


def sign_in(driver, account: Account, hash_: str = "#/chart") -> None:
    """Sign in through the form, as a person would, and wait for the shell's header."""
    open_console(driver, hash_)
    wait_for(driver, "#signin-form")
    fill(driver.find_element(By.ID, "signin-tenant"), account.tenant)
    fill(driver.find_element(By.ID, "signin-login"), account.login)
    fill(driver.find_element(By.ID, "signin-password"), account.password)
    driver.find_element(By.ID, "signin-submit").click()
    wait_for(driver, "#app-header")
    wait_until(driver, lambda d: d.execute_script(
        "const m=document.getElementById('main'); return m && !m.hasAttribute('aria-busy')"), "the page to render")


def console_errors(driver) -> list[str]:
    """Console entries at SEVERE level since the last call (the log is drained by reading it)."""
    return [f"{e.get('level')}: {e.get('message')}" for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


# Computes each focusable element's accessible name roughly the way assistive technology does
# (aria-labelledby, aria-label, <label>, content, title, alt) and returns the ones without.
_UNLABELLED_JS = r"""
const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"]), summary, [contenteditable=true]';
function visible(el) {
  const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return (r.width > 0 || r.height > 0) && s.visibility !== 'hidden' && s.display !== 'none';
}
function name(el) {
  const by = el.getAttribute('aria-labelledby');
  if (by) { const t = by.split(/\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim(); if (t) return t; }
  const al = (el.getAttribute('aria-label') || '').trim(); if (al) return al;
  if (el.labels && el.labels.length) { const t = [...el.labels].map(l => l.textContent).join(' ').trim(); if (t) return t; }
  if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) {
    const t = (el.textContent || '').trim(); if (t) return t;
    const img = el.querySelector('img[alt], svg title'); if (img && (img.alt || img.textContent).trim()) return (img.alt || img.textContent).trim();
  }
  if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type) && el.value) return el.value;
  return (el.getAttribute('title') || '').trim();
}
return [...document.querySelectorAll(sel)].filter(el => !el.disabled && visible(el) && !name(el))
  .map(el => el.outerHTML.slice(0, 160));
"""


def unlabelled_focusables(driver) -> list[str]:
    """The visible focusable elements that have no accessible name (should be empty)."""
    return driver.execute_script(_UNLABELLED_JS)


def tab_through(driver, limit: int = 400) -> list[str]:
    """Press Tab from the top of the page until focus comes back round; returns a short
    description of each element that received focus (so a test can check what is reachable)."""
    # Start from the page's first focusable element (the skip link): blurring would leave Chromium's
    # sequential-focus starting point wherever focus last was.
    driver.execute_script("window.scrollTo(0,0); const f=document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])'); f && f.focus()")
    seen: list[str] = []
    first = None
    for _ in range(limit):
        desc = driver.execute_script(
            "const e=document.activeElement; if(!e||e===document.body) return null;"
            "return e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+'|'+(e.getAttribute('aria-label')||e.textContent||e.value||'').trim().slice(0,40)")
        if desc is None:
            break
        key = driver.execute_script("return document.activeElement")
        if first is None:
            first = key
        elif key == first:
            break
        if not seen or seen[-1] != desc:  # a date field takes several Tabs (day, month, year)
            seen.append(desc)
        driver.switch_to.active_element.send_keys(Keys.TAB)
    return seen


def unreachable_by_keyboard(driver, css: str, limit: int = 400) -> list[str]:
    """Elements matching css (visible, enabled) that Tab never reaches from the top of the page."""
    driver.execute_script("window.__tabbed = new Set(); window.__tabMark = e => window.__tabbed.add(e.target);"
                          "document.addEventListener('focusin', window.__tabMark)")
    tab_through(driver, limit)
    return driver.execute_script("""
        document.removeEventListener('focusin', window.__tabMark);
        return [...document.querySelectorAll(arguments[0])]
          .filter(e => !e.disabled && e.getClientRects().length && !window.__tabbed.has(e))
          .map(e => e.outerHTML.slice(0, 160));""", css)


# ---- the API, for test setup (users, grants) that a test then exercises through the UI ----

def api(method: str, path: str, body=None, token: str | None = None, if_match: str | None = None):
    """One JSON request to orgd with a bearer token; returns (status, headers, json-or-None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url() + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if if_match:
        req.add_header("If-Match", if_match)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            raw = res.read()
            return res.status, dict(res.headers), (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        return e.code, dict(e.headers), payload


def api_token(account: Account) -> str:
    status, _, body = api("POST", "/v1/auth/login",
                          {"tenant": account.tenant, "login": account.login, "password": account.password})
    if status != 200:
        raise AssertionError(f"API sign-in as {account.login} failed: {status} {body}")
    return body["token"]


def unique(prefix: str) -> str:
    return f"{prefix}{int(time.time() * 1000) % 10_000_000}"
