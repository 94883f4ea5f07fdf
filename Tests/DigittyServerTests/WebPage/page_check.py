"""Drives the digitty drawing page in headless Chromium (run by WebPageTests.swift, not by hand).

Usage: python3 page_check.py BASE_URL SCREENSHOT_PATH
Prints one JSON object describing what the page showed after each step; the Swift test asserts on it.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.interaction import POINTER_MOUSE, POINTER_PEN, POINTER_TOUCH
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

base, screenshot = sys.argv[1], sys.argv[2]
options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,1100"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(20)
# The page re-renders parts of itself (e.g. the model list when /models answers): an element found a moment
# ago may be gone, so a wait retries instead of failing on it.
wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])
report = {}


def state():
    return driver.execute_script("""
        const bars = [...document.querySelectorAll('#bars .bar')].map(b => Number(b.dataset.probability));
        const pad = document.getElementById('pad');
        const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
        let ink = 0; for (let i = 0; i < data.length; i += 4) if (data[i] > 0) ink++;
        const preview = document.getElementById('preview').getContext('2d').getImageData(0, 0, 28, 28).data;
        let seen = 0; for (let i = 0; i < preview.length; i += 4) if (preview[i] > 0) seen++;
        return { label: document.getElementById('label').textContent, bars: bars,
                 status: document.getElementById('status').textContent, inkPixels: ink, previewPixels: seen };
    """)


def stroke(kind, points):
    """Draws through `points` (pixel offsets from the pad's top-left) with a pointer of `kind`."""
    pad = driver.find_element(By.ID, "pad")
    size = pad.size
    builder = ActionBuilder(driver, mouse=PointerInput(kind, kind + "-1"), duration=30)
    pointer = builder.pointer_action
    to_center = lambda x, y: (int(x * size["width"] / 280 - size["width"] / 2), int(y * size["height"] / 280 - size["height"] / 2))
    pointer.move_to(pad, *to_center(*points[0]))
    pointer.pointer_down()
    for x, y in points[1:]:
        pointer.move_to(pad, *to_center(x, y))
    pointer.pointer_up()
    builder.perform()


def wait_for_label():
    """Waits until every prediction asked for has been answered and shown."""
    time.sleep(0.2)
    wait.until(lambda d: d.find_element(By.ID, "status").get_attribute("data-state") == "idle")
    wait.until(lambda d: d.find_element(By.ID, "label").text not in ("", "–"))


try:
    driver.get(base + "/")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model option")) >= 1
               and d.find_element(By.CSS_SELECTOR, "#model option").get_attribute("value") != "")
    report["models"] = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#model option")]
    report["fitsPhoneWidth"] = driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")

    # A "1": one vertical stroke with the mouse, live prediction off, then Predict.
    driver.find_element(By.ID, "live").click()
    stroke(POINTER_MOUSE, [(140, 40 + 10 * i) for i in range(21)])
    time.sleep(0.3)
    report["beforePredict"] = state()
    driver.find_element(By.ID, "predict").click()
    wait_for_label()
    report["one"] = state()
    driver.save_screenshot(screenshot)

    driver.find_element(By.ID, "clear").click()
    time.sleep(0.3)
    report["cleared"] = state()

    # A "7" with a pen and live prediction on: no button pressed.
    driver.find_element(By.ID, "live").click()
    stroke(POINTER_PEN, [(70 + 10 * i, 60) for i in range(15)] + [(210 - 6 * i, 60 + 12 * i) for i in range(1, 16)])
    wait_for_label()
    report["sevenLive"] = state()

    # Touch, after Clear from the keyboard (Escape on the focused pad).
    pad = driver.find_element(By.ID, "pad")
    pad.click()
    pad.send_keys(Keys.ESCAPE)
    time.sleep(0.3)
    report["escapeCleared"] = state()
    stroke(POINTER_TOUCH, [(140, 40 + 10 * i) for i in range(21)])
    wait_for_label()
    report["touch"] = state()

    # The keyboard alone: Tab to the pad, pen down, draw down, Enter.
    driver.find_element(By.ID, "clear").click()
    driver.find_element(By.ID, "live").click()
    driver.execute_script("document.getElementById('pad').focus()")
    active = driver.switch_to.active_element
    report["padFocusable"] = active.get_attribute("id") == "pad"
    active.send_keys(Keys.ARROW_UP * 10, " ", Keys.ARROW_DOWN * 20, " ", Keys.ENTER)
    wait_for_label()
    report["keyboard"] = state()

    # The model selector changes the model used.
    options_ = driver.find_elements(By.CSS_SELECTOR, "#model option")
    if len(options_) > 1:
        options_[-1].click()
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("Model " + report["models"][-1]))
        report["secondModel"] = state()
finally:
    driver.quit()

print(json.dumps(report))
