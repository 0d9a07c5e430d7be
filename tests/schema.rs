//! The built-in schema is complete against SPEC §3: every field in order, the
//! required marks, types, enumeration values and cross-field rules.

use jucai::schema::{Check, FieldType, LedgerKey, LedgerKind, Rule, Schema};

/// (ledger, fields in order; a trailing ★ marks required) transcribed from SPEC §3.
const SPEC: [(&str, &[&str]); 5] = [
    (
        "人才信息台账",
        &[
            "人才编号★",
            "姓名★",
            "性别★",
            "出生日期★",
            "民族",
            "政治面貌★",
            "学历★",
            "所学专业",
            "人才类别★",
            "职业资格",
            "工作单位★",
            "岗位",
            "联系电话★",
            "身份证号",
            "入库日期★",
            "在库状态★",
            "流出日期",
            "重点人才",
            "联系领导",
            "代表委员",
            "备注",
            // SPEC §17: 人才风采.
            "同意宣传",
            "风采简介",
        ],
    ),
    (
        "问题台账",
        &[
            "问题编号★",
            "登记日期★",
            "人才编号",
            "提出人",
            "问题类别★",
            "问题描述★",
            "办理层级★",
            "处理措施",
            "办理状态★",
            "办结日期",
            "备注",
        ],
    ),
    (
        "需求台账",
        &[
            "需求编号★",
            "登记日期★",
            "人才编号",
            "提出人",
            "需求类别★",
            "需求描述★",
            "对接资源",
            "对接状态★",
            "办结日期",
            "备注",
        ],
    ),
    (
        "活动台账",
        &[
            "活动编号★",
            "活动日期★",
            "活动名称★",
            "活动类型★",
            "活动范围★",
            "活动地点",
            "参与人数★",
            "人才参与人数",
            "经费（元）",
            "活动成效",
            "备注",
        ],
    ),
    (
        "成果统计台账",
        &[
            "成果编号★",
            "取得日期★",
            "成果名称★",
            "成果类型★",
            "成果级别★",
            "完成人（单位）★",
            "人才编号",
            "说明",
        ],
    ),
];

#[test]
fn ledgers_fields_and_required_marks_match_the_spec() {
    let schema = Schema::builtin();
    let names: Vec<&str> = schema.ledgers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, SPEC.map(|(n, _)| n));
    for (ledger, (_, spec)) in schema.ledgers.iter().zip(SPEC) {
        let got: Vec<String> = ledger
            .fields
            .iter()
            .map(|f| format!("{}{}", f.name, if f.required { "★" } else { "" }))
            .collect();
        assert_eq!(got, spec, "{}", ledger.name);
    }
}

fn values(ledger: &str, field: &str) -> Vec<String> {
    let schema = Schema::builtin();
    let l = schema.ledgers.iter().find(|l| l.name == ledger).unwrap();
    l.field(field).unwrap().values.clone()
}

#[test]
fn enumerations_match_the_spec() {
    let cases: [(&str, &str, &[&str]); 14] = [
        ("人才信息台账", "性别", &["男", "女"]),
        (
            "人才信息台账",
            "政治面貌",
            &[
                "中共党员",
                "中共预备党员",
                "共青团员",
                "民主党派",
                "无党派人士",
                "群众",
            ],
        ),
        (
            "人才信息台账",
            "学历",
            &["研究生", "大学本科", "大学专科", "中专", "高中及以下"],
        ),
        (
            "人才信息台账",
            "人才类别",
            &[
                "社会工作",
                "养老护理",
                "殡葬服务",
                "社会组织党建",
                "社区工作",
                "其他",
            ],
        ),
        (
            "人才信息台账",
            "职业资格",
            &[
                "无",
                "助理社会工作师",
                "社会工作师",
                "高级社会工作师",
                "养老护理员（五级）",
                "养老护理员（四级）",
                "养老护理员（三级）",
                "养老护理员（二级）",
                "养老护理员（一级）",
                "遗体防腐整容员",
                "殡仪服务员",
                "其他",
            ],
        ),
        ("人才信息台账", "在库状态", &["在库", "流出"]),
        ("人才信息台账", "代表委员", &["无", "人大代表", "政协委员"]),
        (
            "问题台账",
            "问题类别",
            &[
                "工作条件",
                "薪酬待遇",
                "职业发展",
                "教育培训",
                "生活保障",
                "政策落实",
                "其他",
            ],
        ),
        ("问题台账", "办理层级", &["工作室", "工作站", "中心"]),
        (
            "问题台账",
            "办理状态",
            &["待办理", "办理中", "已解决", "已上报"],
        ),
        (
            "需求台账",
            "需求类别",
            &[
                "教育培训",
                "岗位就业",
                "政策咨询",
                "住房安居",
                "子女入学",
                "医疗保障",
                "资金扶持",
                "交流平台",
                "其他",
            ],
        ),
        (
            "需求台账",
            "对接状态",
            &["待对接", "对接中", "已满足", "无法满足"],
        ),
        (
            "活动台账",
            "活动类型",
            &[
                "学术交流",
                "引才聚才",
                "资源对接",
                "技能竞赛",
                "成果展示",
                "教育培训",
                "其他",
            ],
        ),
        ("活动台账", "活动范围", &["全行业", "本站", "本室"]),
    ];
    for (ledger, field, expected) in cases {
        assert_eq!(values(ledger, field), expected, "{ledger}/{field}");
    }
    assert_eq!(
        values("成果统计台账", "成果级别"),
        ["国家级", "省级", "市级", "县区级", "其他"]
    );
    assert_eq!(values("成果统计台账", "成果类型").len(), 9);
}

#[test]
fn aliases_resolve_to_canonical_values() {
    let schema = Schema::builtin();
    let roster = schema.ledger(LedgerKey::from_name("roster").unwrap());
    let edu = roster.field("学历").unwrap();
    assert_eq!(edu.enum_value("本科"), Some("大学本科"));
    assert_eq!(edu.enum_value(" 大专 "), Some("大学专科"));
    assert_eq!(edu.enum_value("博士"), Some("研究生"));
    assert_eq!(edu.enum_value("小学文化"), None);
    assert_eq!(roster.field("民族").unwrap().enum_value("汉"), Some("汉族"));
    let qual = roster.field("职业资格").unwrap();
    assert_eq!(
        qual.enum_value("养老护理员(五级)"),
        Some("养老护理员（五级）")
    );
    let level = schema
        .ledger(LedgerKey::from_name("achievements").unwrap())
        .field("成果级别")
        .unwrap();
    assert_eq!(level.enum_value("自治区级"), Some("省级"));
    assert_eq!(level.enum_value("区级"), Some("县区级"));
    assert_eq!(level.enum_value("县级"), Some("县区级"));
}

#[test]
fn types_and_targets() {
    let schema = Schema::builtin();
    let ty = |ledger: &str, field: &str| {
        schema
            .ledger(LedgerKey::from_name(ledger).unwrap())
            .field(field)
            .unwrap()
            .ty
    };
    assert_eq!(ty("roster", "联系电话"), FieldType::Phone);
    assert_eq!(ty("roster", "身份证号"), FieldType::IdNumber);
    assert_eq!(ty("roster", "出生日期"), FieldType::Date);
    assert_eq!(ty("problems", "人才编号"), FieldType::Ref);
    assert_eq!(ty("activities", "参与人数"), FieldType::Integer);
    assert_eq!(ty("activities", "经费（元）"), FieldType::Money);
    assert_eq!(ty("achievements", "人才编号"), FieldType::Refs);
    let activities = schema.ledger(LedgerKey::from_name("activities").unwrap());
    assert_eq!(activities.field("参与人数").unwrap().min, Some(1.0));
    assert_eq!(
        activities.field("活动类型").unwrap().target_values,
        ["学术交流", "引才聚才", "资源对接", "技能竞赛", "成果展示"]
    );
    assert_eq!(
        schema.ledger(LedgerKey::from_name("roster").unwrap()).kind,
        LedgerKind::Snapshot
    );
    for key in ["problems", "needs", "activities", "achievements"] {
        assert_eq!(
            schema.ledger(LedgerKey::from_name(key).unwrap()).kind,
            LedgerKind::Events
        );
    }
    let cover: Vec<&str> = schema
        .cover
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        cover,
        [
            "单位编码",
            "单位名称",
            "报送期",
            "填报人",
            "联系电话",
            "填报日期"
        ]
    );
}

#[test]
fn cross_field_rules_are_declared() {
    let schema = Schema::builtin();
    let required_if = |ledger: &str, field: &str| {
        let ledger = schema.ledger(LedgerKey::from_name(ledger).unwrap());
        ledger.rules.iter().find_map(|r| match &r.check {
            Check::RequiredIf {
                field: f,
                if_in,
                exclusive,
                ..
            } if ledger.fields[*f].name == field => Some((if_in.clone(), *exclusive)),
            _ => None,
        })
    };
    assert_eq!(
        required_if("roster", "流出日期"),
        Some((vec!["流出".into()], false))
    );
    assert_eq!(
        required_if("problems", "办结日期"),
        Some((vec!["已解决".into()], true))
    );
    assert_eq!(
        required_if("problems", "处理措施"),
        Some((vec!["已解决".into()], false))
    );
    assert_eq!(
        required_if("needs", "办结日期"),
        Some((vec!["已满足".into(), "无法满足".into()], true))
    );
    // Each rule as "type field other", its columns named as in the schema file.
    let rules = |ledger: &str| -> Vec<String> {
        let ledger = schema.ledger(LedgerKey::from_name(ledger).unwrap());
        let n = |i: &usize| ledger.fields[*i].name.clone();
        ledger
            .rules
            .iter()
            .map(|r: &Rule| match &r.check {
                Check::NotBefore { field, other } => {
                    format!("not_before {} {}", n(field), n(other))
                }
                Check::NotGreater { field, other } => {
                    format!("not_greater {} {}", n(field), n(other))
                }
                Check::IdAgrees { field, .. } => format!("id_agrees {}", n(field)),
                Check::RequiredIf { field, .. } => format!("required_if {}", n(field)),
            })
            .collect()
    };
    assert!(rules("roster").contains(&"not_before 流出日期 入库日期".to_string()));
    assert!(rules("problems").contains(&"not_before 办结日期 登记日期".to_string()));
    assert!(rules("activities").contains(&"not_greater 人才参与人数 参与人数".to_string()));
    assert!(rules("roster").contains(&"id_agrees 身份证号".to_string()));
    for ledger in &schema.ledgers {
        let id = ledger.field(&ledger.id_field).unwrap();
        assert!(id.unique && id.required, "{}", ledger.name);
    }
}

#[test]
fn a_broken_replacement_schema_is_rejected_with_a_reason() {
    let broken =
        jucai::schema::BUILTIN_SCHEMA.replace("other = \"入库日期\"", "other = \"入职日期\"");
    let err = Schema::parse(&broken, "x.toml").unwrap_err().to_string();
    assert!(err.contains("入职日期"), "{err}");
    let bad_alias =
        jucai::schema::BUILTIN_SCHEMA.replace("\"本科\" = \"大学本科\"", "\"本科\" = \"本科学历\"");
    let err = Schema::parse(&bad_alias, "x.toml").unwrap_err().to_string();
    assert!(err.contains("本科学历"), "{err}");
}

/// The built-in schema with one edit, loaded as a district's file would be.
fn edited(from: &str, to: &str) -> String {
    assert!(
        jucai::schema::BUILTIN_SCHEMA.contains(from),
        "the built-in schema has {from}"
    );
    let text = jucai::schema::BUILTIN_SCHEMA.replacen(from, to, 1);
    match Schema::parse(&text, "本区台账字段.toml") {
        Ok(_) => panic!("{from} → {to} was accepted"),
        Err(e) => e.to_string(),
    }
}

/// Regression: a district schema whose roster said `jioned = "入库日期"`
/// loaded, and every report counted nobody as joined.
#[test]
fn a_misspelt_role_is_refused_instead_of_counting_nothing() {
    let e = edited("roles = { joined = ", "roles = { jioned = ");
    assert!(e.contains("本区台账字段.toml"), "{e}");
    assert!(e.contains("人才信息台账") && e.contains("jioned"), "{e}");
    assert!(e.contains("joined"), "names the roles it knows: {e}");
}

#[test]
fn a_missing_role_is_refused_with_its_name() {
    let e = edited(", funds = \"经费（元）\"", "");
    assert!(e.contains("活动台账") && e.contains("funds"), "{e}");
}

#[test]
fn a_role_on_a_field_of_the_wrong_type_is_refused() {
    let e = edited("participants = \"参与人数\"", "participants = \"活动名称\"");
    assert!(
        e.contains("participants") && e.contains("活动名称") && e.contains("integer"),
        "{e}"
    );
}

#[test]
fn a_marker_that_is_not_a_value_of_its_field_is_refused() {
    let e = edited("escalated = \"已上报\"", "escalated = \"上报了\"");
    assert!(
        e.contains("问题台账") && e.contains("上报了") && e.contains("办理状态"),
        "{e}"
    );
}

#[test]
fn an_unknown_message_key_in_a_rule_is_refused() {
    let e = edited(
        "if_in = [\"是\"]\nseverity = \"warning\"",
        "if_in = [\"是\"]\nseverity = \"warning\"\nmessage = \"no-such-message\"",
    );
    assert!(
        e.contains("人才信息台账") && e.contains("no-such-message"),
        "{e}"
    );
    // A known message of another kind of finding cannot word a rule either.
    let e = edited(
        "if_in = [\"是\"]\nseverity = \"warning\"",
        "if_in = [\"是\"]\nseverity = \"warning\"\nmessage = \"phone-invalid\"",
    );
    assert!(
        e.contains("phone-invalid") && e.contains("conditional-required"),
        "{e}"
    );
}

#[test]
fn unknown_and_missing_ledgers_and_keys_are_refused() {
    let e = edited("key = \"needs\"", "key = \"wants\"");
    assert!(e.contains("wants") && e.contains("needs"), "{e}");
    let e = edited("key = \"fill_date\"", "key = \"filled_on\"");
    assert!(e.contains("封面") && e.contains("filled_on"), "{e}");
    let e = edited("key = \"head\"\n", "");
    assert!(e.contains("平台名录") && e.contains("head"), "{e}");
}

#[test]
fn a_rule_can_carry_its_own_message_of_the_same_kind() {
    let text = jucai::schema::BUILTIN_SCHEMA.replacen(
        "if_in = [\"是\"]\nseverity = \"warning\"",
        "if_in = [\"是\"]\nseverity = \"warning\"\nmessage = \"only-if\"",
        1,
    );
    let schema = Schema::parse(&text, "x.toml").unwrap();
    let roster = schema.ledger(LedgerKey::Roster);
    assert!(roster
        .rules
        .iter()
        .any(|r| r.message == Some(jucai::diagnostic::Msg::OnlyIf)));
}
