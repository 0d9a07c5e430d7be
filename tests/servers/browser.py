"""Drive the web desk in a real browser: Chromium headless through
chromedriver (Debian's, given by path, so nothing is downloaded), with
Selenium from PyPI.

    python3 browser.py upload BASE_URL USER PASSWORD SCREENSHOTS WORKBOOK DOWNLOADS
    python3 browser.py reports BASE_URL USER PASSWORD SCREENSHOTS
    python3 browser.py audit BASE_URL USER PASSWORD SCREENSHOTS AXE_JS PATH...
    python3 browser.py entry BASE_URL USER PASSWORD SCREENSHOTS LEDGER FIELD=VALUE...
    python3 browser.py screen BASE_URL USER PASSWORD SCREENSHOTS AXE_JS

upload: logs in, opens the board and a period's status, uploads WORKBOOK
through the file input, reads the diagnostics on the result page, downloads
the feedback workbook, and opens the unit's page.
reports: logs in, asks for a period's quarterly reports again, follows the
job's progress page until it is done, and reads the reports list.
audit: on a phone (375 px wide, Chromium's mobile emulation) logs in and
opens each PATH: how wide the page is against the viewport, whether the
viewport meta forbids zooming, and what axe-core (AXE_JS, injected into the
page) finds against WCAG 2.1 A/AA.
screen: on a 1920 x 1080 display, opens /screen: whether it scrolls, the
names on the first slide, and axe-core's findings.
A PNG of each page goes to SCREENSHOTS. Prints what it read as JSON.
"""
import glob
import json
import os
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

flow, base, user, password, shots = sys.argv[1:6]
downloads = sys.argv[7] if flow == "upload" else tempfile.mkdtemp(prefix="jucai-downloads-")
phone = flow in ("audit", "entry")
os.makedirs(downloads, exist_ok=True)
os.makedirs(shots, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
    "--window-size=" + ("1920,1080" if flow == "screen" else "1280,900"),
    "--user-data-dir=" + tempfile.mkdtemp(prefix="jucai-chromium-"),
]:
    options.add_argument(flag)
if phone:
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": 375, "height": 740, "pixelRatio": 2.0}})
options.add_experimental_option("prefs", {
    "download.default_directory": downloads,
    "download.prompt_for_download": False,
})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
out = {}


def wait_for(css):
    """The element once the page that has it is there (a loaded machine is slow)."""
    return WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def login():
    driver.get(base + "/login")
    driver.save_screenshot(os.path.join(shots, "login.png"))
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for("main h1")


def upload(workbook):
    out["board"] = driver.find_element(By.TAG_NAME, "h1").text
    out["tiles"] = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".tiles li")]
    driver.save_screenshot(os.path.join(shots, "board.png"))

    driver.find_element(By.PARTIAL_LINK_TEXT, "查看报送情况").click()
    wait_for("table.status")
    out["period"] = driver.find_element(By.TAG_NAME, "h1").text
    driver.save_screenshot(os.path.join(shots, "period.png"))

    driver.get(base + "/upload")
    wait_for("form.upload")
    driver.save_screenshot(os.path.join(shots, "upload.png"))
    driver.find_element(By.CSS_SELECTOR, "input[type=file][name=files]").send_keys(workbook)
    driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    out["result"] = wait_for(".part .result").text
    out["diagnostics"] = [
        [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "table.diagnostics tbody tr")
    ]
    driver.save_screenshot(os.path.join(shots, "uploaded.png"))

    driver.find_element(By.CSS_SELECTOR, "a.feedback").click()
    deadline = time.time() + 30
    got = []
    while time.time() < deadline:
        got = [f for f in glob.glob(os.path.join(downloads, "*.xlsx"))]
        if got and not glob.glob(os.path.join(downloads, "*.crdownload")):
            break
        time.sleep(0.2)
    out["download"] = os.path.basename(got[0]) if got else None

    driver.find_element(By.CSS_SELECTOR, ".part a[href^='/units/']").click()
    wait_for(".version")
    out["unit"] = driver.find_element(By.TAG_NAME, "h1").text
    driver.save_screenshot(os.path.join(shots, "unit.png"))


def reports():
    driver.get(base + "/reports")
    wait_for("form[action='/reports/generate']")
    driver.find_element(
        By.XPATH, "//button[contains(., '重新生成季度报告')]").click()
    wait_for(".job")
    out["job_title"] = driver.find_element(By.TAG_NAME, "h1").text
    # The page reloads itself each second until the job is over.
    out["progress_seen"] = bool(driver.find_elements(By.CSS_SELECTOR, ".job progress"))
    out["job"] = wait_for(".job.finished").text
    driver.save_screenshot(os.path.join(shots, "job.png"))
    driver.find_element(By.LINK_TEXT, "返回报告列表").click()
    wait_for("table.reports")
    # Each link is a format (PDF, XLSX, Word); the file is named by its address.
    out["files"] = [urllib.parse.unquote(a.get_attribute("href")).rsplit("/", 1)[-1]
                    for a in driver.find_elements(By.CSS_SELECTOR, "table.reports a")]
    driver.save_screenshot(os.path.join(shots, "reports.png"))


def run_axe(axe):
    driver.execute_script(axe)
    return driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(function (r) { done(r.violations.map(function (v) {
               return {id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(function (n) {
                   return n.target.join(' '); })}; })); })
           .catch(function (e) { done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]); });
    """)


def audit(axe_js, paths):
    axe = open(axe_js, encoding="utf-8").read()
    for path in paths:
        driver.get(base + path)
        wait_for("main")
        name = user + "-" + (path.strip("/").replace("/", "_") or "home")
        driver.save_screenshot(os.path.join(shots, name + ".png"))
        page = {"path": path, "title": driver.title}
        page["scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        page["viewport"] = driver.execute_script("return window.innerWidth")
        page["viewport_meta"] = driver.execute_script(
            "var m = document.querySelector('meta[name=viewport]'); return m ? m.content : ''")
        page["violations"] = run_axe(axe)
        out["pages"].append(page)


def screen(axe_js):
    # The display's own size, whatever the window around the page takes.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    driver.get(base + "/screen")
    wait_for(".screen-figures")
    time.sleep(1)
    driver.save_screenshot(os.path.join(shots, "screen-1920x1080.png"))
    size = "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight, window.innerWidth, window.innerHeight]"
    out["size"] = driver.execute_script(size)
    out["names"] = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".slide:not([hidden]) .card h2")]
    out["slides"] = len(driver.find_elements(By.CSS_SELECTOR, ".slide"))
    # The next group comes up by itself.
    time.sleep(9)
    out["names_next"] = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".slide:not([hidden]) .card h2")]
    out["violations"] = run_axe(open(axe_js, encoding="utf-8").read())


def entry(ledger, pairs):
    driver.find_element(By.LINK_TEXT, "网页填报").click()
    wait_for("main h1")
    links = driver.find_elements(By.CSS_SELECTOR, "ul.links a")
    if links:
        links[0].click()
    wait_for("section.ledger")
    driver.save_screenshot(os.path.join(shots, user + "-entry.png"))
    section = driver.find_element(
        By.XPATH, "//section[h2[starts-with(normalize-space(.), '" + ledger + "')]]")
    section.find_element(By.CSS_SELECTOR, "a.add").click()
    wait_for("form.entry")
    for pair in pairs:
        label, value = pair.split("=", 1)
        field = driver.find_element(
            By.XPATH, "//label[normalize-space(translate(., '★', ''))='" + label + "']")
        box = driver.find_element(By.ID, field.get_attribute("for"))
        if box.tag_name == "select":
            Select(box).select_by_visible_text(value)
        elif box.get_attribute("type") == "date":
            driver.execute_script("arguments[0].value = arguments[1]", box, value)
        else:
            box.send_keys(value)
    driver.save_screenshot(os.path.join(shots, user + "-entry-form.png"))
    out["form_width"] = driver.execute_script("return document.documentElement.scrollWidth")
    driver.find_element(By.CSS_SELECTOR, "form.entry button[type=submit]").click()
    out["saved"] = wait_for(".saved").text
    driver.save_screenshot(os.path.join(shots, user + "-entry-saved.png"))


try:
    if flow == "audit":
        # The login page is seen before anyone has logged in.
        out["pages"] = []
        audit(sys.argv[6], ["/login"])
    login()
    if flow == "upload":
        upload(sys.argv[6])
    elif flow == "audit":
        audit(sys.argv[6], sys.argv[7:])
    elif flow == "entry":
        entry(sys.argv[6], sys.argv[7:])
    elif flow == "screen":
        screen(sys.argv[6])
    else:
        reports()
finally:
    driver.quit()
print(json.dumps(out, ensure_ascii=False))
