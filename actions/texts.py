"""Texts the custom actions send to workers (Simplified Chinese). Texts used by rules live in bot/domain."""

APP_DOWN = "抱歉，系统暂时无法查询，请稍后再试。急需帮助可以拨打职工服务热线12351。"
CASE_NOT_OPENED = ("抱歉，系统暂时无法为您登记转人工，请稍后再回复“转人工”，"
                   "或直接拨打职工服务热线12351。")
CASE_OPENED = "已为您登记求助，编号 {case_id}。"

ASK_HELPFUL = "这个回答对您有帮助吗？"
BUTTON_HELPFUL = "有帮助"
BUTTON_NOT_HELPFUL = "没帮助"
BUTTON_HUMAN = "转人工"
BUTTON_NO_THANKS = "不用了"

OFFER_HUMAN_AFTER_FEEDBACK = "需要的话，我可以帮您转给工会律师，由律师具体看看您的情况。"
OFFER_HUMAN_CHECK = "计算结果仅供参考，需要工会律师帮您核对吗？"

FEEDBACK_THANKS = "谢谢您的评价，我们会继续改进！"
FEEDBACK_NOT_SAVED = "谢谢您的评价！（系统暂时未能保存，不影响您继续提问。）"

LEAVE_FORM = "好的，已停止。还有其他问题可以直接问我，需要真人帮助请回复“转人工”。"
LEAVE_HINT = "（随时回复“退出”可以停止）"
CALCULATOR_START = "好的，我来帮您算一算{label}。" + LEAVE_HINT
PREFILLED = "已使用您之前提到的：{facts}。如有不对，请回复“退出”后重新开始。"
REASK = "没看懂您的回答。{example}"

HUMAN_BUTTONS = [{"title": BUTTON_HUMAN, "payload": "/request_human"},
                 {"title": BUTTON_NO_THANKS, "payload": "/deny"}]
