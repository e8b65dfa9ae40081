"""The supervisor adds a procedure the department helps with and writes its steps (issue 12 §8); a
specialist starts it for a customer and sees the guidance — in a real browser, a step without a name
refused at its row with what was typed kept, at 1366 and 390 px."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contract_templates import fits_phone
from test_contracts import sign_out, submit
from test_sign_in import shot, sign_in, wait_for


def test_supervisor_adds_a_procedure_type_and_a_specialist_starts_it(browser, base_url):
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/contracts")
    browser.find_element(By.ID, "procedure-templates-link").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "procedure-type-list"), "no list of procedure types")
    assert "工商注册" in browser.page_source and "business_registration" not in browser.find_element(By.ID, "procedure-type-list").text
    browser.find_element(By.ID, "type-name").send_keys("安全生产许可")
    submit(browser, "add-procedure-type-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "procedure-template-form"), "no form for the added type")
    names = browser.find_elements(By.NAME, "stepName[]")
    names[0].clear()
    names[0].send_keys("提交许可申请")
    browser.find_elements(By.NAME, "stepGuidance[]")[0].send_keys("向应急管理局网上提交申请，园区可协助准备材料。")
    browser.find_elements(By.NAME, "stepDocuments[]")[0].send_keys("安全生产责任制文件、安全评价报告")
    # The second row has guidance but no name: refused at its row, what was typed kept.
    browser.find_elements(By.NAME, "stepGuidance[]")[1].send_keys("现场核查前一周通知客户准备")
    submit(browser, "procedure-template-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "step-error-2"), "a step without a name was accepted")
    assert "请填写步骤名称" in browser.find_element(By.ID, "step-error-2").text
    assert browser.find_elements(By.NAME, "stepGuidance[]")[1].get_attribute("value") == "现场核查前一周通知客户准备"
    assert browser.find_elements(By.NAME, "stepName[]")[0].get_attribute("value") == "提交许可申请"
    browser.set_window_size(390, 844)
    fits_phone(browser)
    shot(browser, "procedure-template-refused-390")
    browser.set_window_size(1366, 900)
    browser.find_elements(By.NAME, "stepName[]")[1].send_keys("现场核查")
    submit(browser, "procedure-template-form")
    wait_for(browser, lambda d: "手续类型已保存" in d.page_source, "the procedure type was not saved")
    assert "安全生产许可" in browser.find_element(By.ID, "procedure-type-list").text

    # 李娜 starts it for one of her customers: the steps carry the guidance.
    sign_out(browser, base_url)
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/follow-ups?view=open&scope=mine")
    link = browser.find_element(By.CSS_SELECTOR, "#follow-up-list a[href^='/customers/']").get_attribute("href")
    customer = link.split("/customers/")[1].split("/")[0]
    browser.get(base_url + f"/customers/{customer}/procedures")
    Select(browser.find_element(By.ID, "type")).select_by_visible_text("安全生产许可")
    submit(browser, "procedure-form")
    wait_for(browser, lambda d: "现场核查" in d.page_source, "the procedure did not start")
    assert "向应急管理局网上提交申请，园区可协助准备材料。" in browser.page_source
    assert "安全生产责任制文件、安全评价报告" in browser.page_source
    assert not browser.find_elements(By.ID, "procedure-templates-link"), "a specialist is not offered the types"
    browser.set_window_size(390, 844)
    browser.get(browser.current_url)
    fits_phone(browser)
    shot(browser, "procedure-started-390")
    browser.set_window_size(1366, 900)
