"""A person signs in, switches language, sees the workbench and signs out (issue 2 §9)."""
import os

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DEMO_PASSWORD

SHOTS = os.environ.get("KEFU_SCREENSHOTS")


def shot(browser, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, name + ".png"))


def page_language(browser):
    return browser.find_element(By.TAG_NAME, "html").get_attribute("lang")


def wait_for(browser, condition, message=""):
    """Waits for the next page: a click starts a navigation that the driver does not wait for."""
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda driver: condition(driver), message)


def sign_in(browser, base_url, username, password=DEMO_PASSWORD):
    browser.get(base_url + "/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "dashboard-title") or d.find_elements(By.ID, "login-error")
             or "/login" not in d.current_url, "no page after sign-in")


def test_sign_in_switch_language_and_sign_out(browser, base_url):
    browser.get(base_url + "/")
    assert browser.current_url.startswith(base_url + "/login"), "the workbench needs a session"
    assert page_language(browser) == "zh-Hans"
    shot(browser, "login-zh")

    sign_in(browser, base_url, "wangjing")
    assert browser.find_element(By.ID, "dashboard-title").text == "您好，王静"
    nav = browser.find_element(By.ID, "sidenav").text
    assert "工作台" in nav and "人员管理" in nav and "审计日志" in nav
    assert "咨询" in nav and "合同" in nav and "投诉处理" in nav and "考勤" in nav, "built parts show"
    assert "培训" in nav and "回访" in nav and "奖惩" in nav, "every part of the regulation is built and shows"
    shot(browser, "dashboard-zh")

    browser.find_element(By.ID, "user-menu").click()
    browser.find_element(By.CSS_SELECTOR, "#language option[value='en']").click()
    browser.find_element(By.ID, "save-language").click()
    wait_for(browser, lambda d: page_language(d) == "en", "the page did not switch to English")
    assert "Language changed" in browser.page_source

    browser.get(base_url + "/")
    assert browser.find_element(By.ID, "dashboard-title").text == "Hello, 王静"
    assert "Workbench" in browser.find_element(By.ID, "sidenav").text
    shot(browser, "dashboard-en")

    browser.find_element(By.ID, "logout").click()
    wait_for(browser, lambda d: d.current_url.rstrip("/").endswith("/login"), "sign-out did not return to the login page")
    browser.get(base_url + "/")
    assert "/login" in browser.current_url, "after sign-out the session is gone"


def test_wrong_password_is_refused_in_the_chosen_language(browser, base_url):
    browser.get(base_url + "/login")
    browser.find_element(By.ID, "lang-en").click()
    wait_for(browser, lambda d: page_language(d) == "en")
    shot(browser, "login-en")
    sign_in(browser, base_url, "lina", "not-the-password")
    assert browser.find_element(By.ID, "login-error").text == "Wrong username or password."
    browser.find_element(By.ID, "lang-zh-Hans").click()
    wait_for(browser, lambda d: page_language(d) == "zh-Hans")
    sign_in(browser, base_url, "nobody-here", "not-the-password")
    assert browser.find_element(By.ID, "login-error").text == "用户名或密码错误。"


def test_a_specialist_does_not_reach_staff_administration(browser, base_url):
    sign_in(browser, base_url, "lina")
    assert "人员管理" not in browser.find_element(By.ID, "sidenav").text
    browser.get(base_url + "/staff")
    assert "没有权限" in browser.page_source


def test_the_intended_address_survives_sign_in(browser, base_url):
    browser.get(base_url + "/audit?action=auth.signed_in")
    assert "next=" in browser.current_url
    browser.find_element(By.ID, "username").send_keys("wangjing")
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    wait_for(browser, lambda d: d.current_url.endswith("/audit?action=auth.signed_in"), "not back at the audit log")
    assert browser.find_element(By.ID, "audit-table")
