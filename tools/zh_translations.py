import polib
T = {
"Departments and districts": "部门与板块", "code": "代码", "name": "名称", "English name": "英文名称", "position": "排序",
"account group": "账号组", "department": "部门", "departments": "部门", "district": "板块", "districts": "板块",
"CBEC Plan Tracker administration": "跨境电商行动计划督办系统管理", "CBEC Plan Tracker": "跨境电商行动计划督办系统",
"Plan and key tasks": "行动计划与重点任务", "title": "标题", "English title": "英文标题", "issuer": "发文单位",
"document number": "文号", "issued on": "印发日期", "first year": "起始年度", "last year": "截止年度", "preamble": "前言",
"development goals": "发展目标", "safeguard measures": "保障措施", "plan": "行动计划", "plans": "行动计划",
"number": "序号", "section": "任务板块", "sections": "任务板块", "task text": "任务内容", "responsibility as written": "原文责任分工",
"responsible departments": "责任部门", "implementing districts": "落实板块", "key task": "重点任务", "key tasks": "重点任务",
"lead (牵头)": "牵头", "co-responsible (配合)": "配合", "role": "职责", "task responsibility": "任务责任分工",
"task responsibilities": "任务责任分工", "pending": "待确认", "confirmed": "已确认", "rejected": "已退回", "status": "状态",
"implementation": "板块落实", "implementations": "板块落实", "unit": "单位", "description": "说明", "indicator": "指标",
"indicators": "指标", "city": "全市", "at least (≥)": "不低于(≥)", "more than (>)": "超过(>)", "between": "区间", "level": "层级",
"year": "年度", "comparison": "比较方式", "target value": "目标值", "upper bound": "上限", "growth factor": "增长倍数",
"as written in the plan": "计划原文", "indicator target": "指标目标", "indicator targets": "指标目标",
"×%(factor)s on the previous year": "较上年×%(factor)s", "industrial belt": "特色产业带", "industrial belts": "特色产业带",
"period": "期间", "value": "数值", "source": "来源", "reported by": "填报人", "reported at": "填报时间",
"indicator report": "指标填报", "indicator reports": "指标填报", "Skip to content": "跳到正文", "Main": "主导航",
"Plan": "行动计划", "Departments": "责任部门", "Districts": "板块", "Administration": "系统管理", "Language": "语言",
"Switch": "切换", "Sign out": "退出", "No.": "序号", "Key task": "重点任务", "Section": "任务板块", "None.": "无。",
"Breadcrumbs": "导航路径", "Tasks it leads": "牵头任务", "Tasks it is co-responsible for": "配合任务",
"Responsible departments": "责任部门", "Department": "部门", "Lead on": "牵头任务数", "Co-responsible on": "配合任务数",
"Featured industrial belt": "特色产业带", "Targets": "目标", "Indicator": "指标", "Year": "年度", "Target": "目标",
"As written in the plan": "计划原文", "Implementation of the key tasks": "重点任务落实情况", "Status": "状态",
"Implementing districts": "落实板块", "Every district implements every key task of the plan.": "各县级市(区)人民政府(管委会)负责落实每一项重点任务。",
"District": "板块", "Account locked": "账号已锁定", "Too many failed sign-in attempts": "登录失败次数过多",
"This account is locked for a while after repeated wrong passwords. Try again later, or ask the administrator to unlock it.": "多次输入错误密码后,该账号已被暂时锁定。请稍后再试,或联系系统管理员解锁。",
"Back to sign in": "返回登录", "Sign in": "登录",
"Tracking the China (Suzhou) cross-border e-commerce pilot zone three-year action plan (2024–2026).": "中国(苏州)跨境电子商务综合试验区高质量发展三年行动计划(2024~2026年)任务督办。",
"Username": "用户名", "Password": "密码", "lead": "牵头", "Plan overview": "计划总览",
"Responsible departments (lead marked)": "责任部门(标注牵头)", "Task text": "任务内容", "Lead (牵头)": "牵头部门",
"Co-responsible (配合)": "配合部门", "Implementation by district": "各板块落实情况", "Other tasks": "其他任务",
"Previous task": "上一项任务", "Chinese name": "中文名称", "Next task": "下一项任务",
}
T2 = {
'The file is %(size)s; the limit is %(limit)s.': '文件大小为%(size)s,上限为%(limit)s。', 'The file is empty.': '文件为空。',
'This kind of file is not accepted. Allowed: %(types)s.': '不接受此类文件。允许的格式:%(types)s。', 'Title contains': '标题包含',
'New due date': '新的完成时限', 'Reason for the extension (延期)': '延期理由', 'Note': '备注', 'Percent complete': '完成百分比',
'Progress': '进展情况', 'Attachment (optional)': '附件(可选)', 'How the task is implemented': '落实情况说明',
'Evidence file (optional)': '佐证材料(可选)', 'Reason for rejection': '退回理由', 'Reason': '理由',
"See the task's milestones, updates and evidence": '查看任务的节点、进展和佐证材料', "Create milestones for one's own department": '为本部门创建任务节点',
'Create and edit milestones for any responsible department (lead)': '为任一责任部门创建和编辑节点(牵头)', "Designate the task's lead department": '指定任务牵头部门',
'evidence file': '佐证材料', 'reason for rejection': '退回理由', 'version': '版本', "Reject a district's confirmation": '退回板块的落实确认',
'in progress': '推进中', 'submitted for sign-off': '已申请办结', 'completed': '已销号', 'overdue': '逾期', 'due soon': '临期', 'on track': '正常',
'due date': '完成时限', 'original due date': '原定完成时限', 'reason for return': '退回理由', 'submitted at': '申请办结时间',
'milestone': '任务节点', 'milestones': '任务节点', 'Start, submit and report progress on a milestone (owner)': '启动、申请办结并报送节点进展(责任部门)',
'Sign off or return a submitted milestone': '对申请办结的节点销号或退回', 'Change the due date of a started milestone (延期)': '调整已启动节点的完成时限(延期)',
'percent complete': '完成百分比', 'summary': '进展摘要', 'attachment file name': '附件文件名', 'author': '填报人', 'progress update': '进展报送', 'progress updates': '进展报送',
'The milestone was changed by someone else (version %(current)s, you sent %(sent)s). Reload it.': '该节点已被他人修改(当前版本%(current)s,您提交的是版本%(sent)s)。请刷新后重试。',
'%(department)s is not responsible for task %(number)s.': '%(department)s不是第%(number)s项任务的责任部门。',
'You may create milestones only for your own department, or for any department of a task you lead.': '您只能为本部门创建节点;牵头部门可为本任务的任一责任部门创建节点。',
'created': '创建', 'This field cannot be changed here.': '此处不能修改该字段。', 'You may not edit this milestone.': '您无权编辑该节点。',
'A completed milestone cannot be changed.': '已销号的节点不能修改。',
'Only the lead department or the supervision office may give a milestone to another department.': '只有牵头部门或督查室可以将节点转交其他部门。',
'Once a milestone has started, only the supervision office may change it, and only its due date.': '节点启动后,只有督查室可以修改,且只能调整完成时限。',
'Give the reason for the extension (延期).': '请填写延期理由。', 'extended: %(reason)s': '延期:%(reason)s', 'edited': '编辑',
'Unknown action %(action)r; use one of: %(actions)s.': '未知操作%(action)r;可用操作:%(actions)s。',
'Only the owner department may %(action)s this milestone.': '只有节点责任部门可以执行该操作(%(action)s)。',
'Only the supervision office may approve or return a milestone.': '只有督查室可以对节点销号或退回。',
'Cannot %(action)s a milestone that is %(status)s.': '节点当前状态为“%(status)s”,不能执行%(action)s。',
'Say why the milestone is returned.': '请填写退回理由。', 'Only the owner department may report progress on it.': '只有节点责任部门可以报送进展。',
'The milestone is completed; no more updates.': '节点已销号,不能再报送进展。', 'Only the district itself may confirm its implementation.': '只有本板块可以确认落实情况。',
'Already confirmed. The supervision office can reject it if it needs redoing.': '已确认落实。如需重新确认,请由督查室退回。',
'Describe how the task is implemented in the district.': '请说明本板块的落实情况。', 'Only the supervision office may reject a confirmation.': '只有督查室可以退回落实确认。',
'Only a confirmed implementation can be rejected.': '只能退回已确认的落实情况。', 'Say why the confirmation is rejected.': '请填写退回理由。',
'rejected: %(reason)s': '退回:%(reason)s', "Only the supervision office may change a task's lead.": '只有督查室可以调整任务牵头部门。',
'Give the reason for the change of lead.': '请填写调整牵头部门的理由。', 'lead changed: %(reason)s': '调整牵头部门:%(reason)s', 'RAG': '预警',
'No plan is loaded.': '尚未导入行动计划。', 'You may not create milestones for this task.': '您无权为该任务创建节点。', 'Milestone created.': '节点已创建。',
'Start': '启动', 'Submit for sign-off (申请办结)': '申请办结', 'Sign off (销号)': '销号', 'Return (退回)': '退回', 'Milestone saved.': '节点已保存。',
'Progress update posted.': '进展已报送。', 'No attachment.': '没有附件。', 'Confirmation rejected.': '落实确认已退回。', 'No evidence file.': '没有佐证材料。',
'Lead department changed.': '牵头部门已调整。', 'Not allowed': '无权操作', 'You may not do this': '您无权执行此操作', 'Back': '返回', 'Not found': '未找到',
'The page does not exist, or it is not visible to your account.': '页面不存在,或您的账号无权查看。', 'History': '变更记录', 'When': '时间', 'Who': '操作人',
'What changed': '变更内容', 'system': '系统', 'Milestones': '任务节点', 'Evidence': '佐证材料', 'Rejected because': '退回理由',
'Confirm implementation (落实确认)': '落实确认', 'Reject the confirmation': '退回落实确认', 'Milestone': '任务节点', 'Due date': '完成时限',
'originally': '原定', 'Days overdue': '逾期天数', 'Returned because': '退回理由', 'Note (required when returning)': '备注(退回时必填)', 'Edit': '编辑',
'Save': '保存', 'Extend the due date (延期)': '延期', 'Extend': '延期', 'Progress updates': '进展报送', 'Post update': '报送进展', 'By': '报送人',
'Attachment': '附件', 'No updates yet.': '暂无进展报送。', 'New milestone': '新建节点', 'Create': '创建', 'Filter': '筛选',
'Change the lead department': '调整牵头部门', 'Change lead': '调整牵头部门', 'Changes of lead': '牵头部门调整记录',
'The milestones of this task are visible to its responsible departments, the districts concerned, the supervision office and leadership.': '本任务的节点仅对责任部门、相关板块、督查室和领导小组可见。',
'No milestones yet.': '暂无节点。', 'Owner department': '责任部门', 'Posted at': '报送时间', 'Implementation': '落实情况', 'Confirmed': '确认时间',
'Confirm': '确认落实', 'Reject': '退回', 'Done.': '操作成功。', 'Implementation confirmed.': '已确认落实。', 'Task number': '任务序号',
'New lead department': '新的牵头部门', 'confirmation note': '落实说明', 'evidence file name': '佐证材料文件名', 'confirmed by': '确认人',
'confirmed at': '确认时间', 'owner department': '责任部门', 'created by': '创建人', 'created at': '创建时间', 'updated at': '更新时间',
'started at': '启动时间', 'completed at': '销号时间', 'posted at': '报送时间', 'attachment': '附件', 'Confirm implementation in one\'s district': '确认本板块的落实情况',
}

T.update(T2)
T.update({'planned': '未启动', '%(department)s already leads this task.': '%(department)s已是该任务的牵头部门。', 'Description': '说明'})
po = polib.pofile("locale/zh_Hans/LC_MESSAGES/django.po")
missing = []
CTX = {"sections": "个任务板块", "key tasks": "项重点任务", "responsible departments": "个责任部门", "implementing districts": "个落实板块"}
for entry in po:
    if entry.msgctxt == "count of":
        entry.msgstr = CTX[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    elif entry.msgid in T:
        entry.msgstr = T[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    elif not entry.msgstr:
        missing.append(entry.msgid)
if "fuzzy" in po.metadata_is_fuzzy if isinstance(po.metadata_is_fuzzy, list) else False: pass
po.metadata_is_fuzzy = False
po.metadata["Language"] = "zh_Hans"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.save()
print("missing:", missing)
