//! The command line: flags in English, help and messages in Chinese.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::period::Period;

const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
用法: {usage}

{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "jucai",
    version,
    about = "聚才：民政人才工作平台五类台账的收取、校验、汇总与报表生成",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 主流程：处理 sample-input/（或 jucai.toml 指定的目录），结果写入 output/
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Run(RunArgs),
    /// 收取邮件（.eml、.mbox、邮箱）、压缩包和台账文件，存入报送档案
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Intake(IntakeArgs),
    /// 给各单位的邮件：回执、退回（附校验反馈表）、催报（附空白台账）；--send 时发出
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Notify(NotifyArgs),
    /// 启动网页工作台（浏览器中查看报送情况、上传台账、下载报告）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Serve(ServeArgs),
    /// 管理网页工作台的账号：add、list、remove
    #[command(
        subcommand,
        help_template = HELP_TEMPLATE,
        subcommand_help_heading = "命令",
        subcommand_value_name = "命令",
        next_help_heading = "选项"
    )]
    User(UserCommand),
    /// 某一报送期的报送情况：已报、未报、逾期、退回，以及催报名单
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Status(StatusArgs),
    /// 改过字段定义或平台名录后，按现在的规则重新校验档案中的台账（出报告只读档案，不会自己重新校验）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Reindex(ReindexArgs),
    /// 报告：季度报告（quarterly）、年度人才调研报告（annual）
    #[command(
        subcommand,
        help_template = HELP_TEMPLATE,
        subcommand_help_heading = "命令",
        subcommand_value_name = "命令",
        next_help_heading = "选项"
    )]
    Report(ReportCommand),
    /// 校验台账工作簿，逐格列出问题（文件、工作表、单元格）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Validate(ValidateArgs),
    /// 为各单位生成台账模板（预填已报的名册和未办结的问题、需求；--blank 为空白模板）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Template(TemplateArgs),
    /// 备份报送档案：收取和网页工作台照常写入时也能备份；备份到已有的备份里只补新增的
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Backup(BackupArgs),
    /// 检查报送档案（或备份）：每个文件是否完好、每条记录的文件是否都在、索引是否完整
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Check(CheckArgs),
    /// 检查安装和设置：配置、平台名录、报送档案（属主、权限、剩余空间）、字体、网页证书、邮箱登录；逐项说明怎么改
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Doctor(DoctorArgs),
    /// 人才风采：本人同意宣传的人才的图册（PDF）和展板（A1 横版 PDF），中心和每个工作站各一套
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Showcase(YearArgs),
    /// 年度考核材料：各工作站考核材料、汇编（含目录）和考核评分表
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Packet(YearArgs),
    /// 平台名录表（“1+4+N”表），写出 XLSX 和 PDF
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Directory(DirectoryArgs),
    /// 生成可复现的示例数据（平台名录等）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Sample(SampleArgs),
    /// 检查平台名录并列出各单位
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Platform(PlatformArgs),
    /// 导出给省级汇总：各台账的最新有效记录、报告数字和平台名录（Parquet，按区县和报送期分区）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Export(ExportArgs),
    /// 输出字段说明与诊断目录（Markdown，供 README 使用）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Schema(SchemaArgs),
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct Common {
    /// 配置文件（默认：当前目录下的 jucai.toml；安装的 /usr/bin/jucai 没有它时读 /etc/jucai/jucai.toml；都没有则使用示例目录布局）
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 平台名录工作簿（默认：sample-input/platform.xlsx）
    #[arg(long, value_name = "FILE")]
    pub platform: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出目录（默认：output/）
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 生成模板的报送期，如 2023Q3（默认取 jucai.toml 的 template_period）
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<Period>,
}

/// Options of commands that read the archive.
#[derive(Debug, Args)]
pub struct ArchiveArg {
    /// 报送档案目录（默认取 jucai.toml 的 archive，示例布局为 archive/）
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IntakeArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 要收取的文件或文件夹：台账工作簿、.eml、.mbox、.zip（文件夹会递归查找）
    #[arg(required_unless_present = "mailbox", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 从 jucai.toml [mail] 设置的邮箱收取尚未收过的邮件（不删除、不改动邮件）
    #[arg(long)]
    pub mailbox: bool,
    /// 收取后把邮件标为已读
    #[arg(long, requires = "mailbox")]
    pub mark_seen: bool,
    /// 收取后把邮件移到这个文件夹
    #[arg(long, value_name = "FOLDER", requires = "mailbox")]
    pub move_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 监听的地址和端口（默认取 jucai.toml 的 [web] listen，没有则为 127.0.0.1:8080，只允许本机访问）
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// 访问日志（默认：报送档案目录下的 access.log）；不记录密码和 Cookie
    #[arg(long, value_name = "FILE")]
    pub access_log: Option<PathBuf>,
    /// 前面有提供 HTTPS 的反向代理：Cookie 只经加密连接发送，不再警告（也可在 [web] 中写 behind_https = true）
    #[arg(long)]
    pub behind_https: bool,
}

/// The role of a web desk account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// 中心：查看全部
    Centre,
    /// 工作站负责人：本站及所属工作室
    Station,
    /// 工作室负责人：只看本单位
    Workroom,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加账号（密码从标准输入读取，不出现在命令行上）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Add(UserAddArgs),
    /// 列出账号
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    List(UserListArgs),
    /// 删除账号（同时注销它的登录）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Remove(UserRemoveArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 用户名
    pub name: String,
    /// 角色
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// 所属单位编码（工作站、工作室账号必填）
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// 从标准输入读取密码（第一行）
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
}

#[derive(Debug, Args)]
pub struct UserRemoveArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 用户名
    pub name: String,
}

#[derive(Debug, Args)]
pub struct NotifyArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 报送期，如 2023Q3
    #[arg(long, value_name = "PERIOD")]
    pub period: Period,
    /// 通过 [mail] 的发件服务器发出（不加时只把邮件写成 .eml 供查看）
    #[arg(long)]
    pub send: bool,
    /// 已经发过的同样内容也再发一次（如再次催报）
    #[arg(long, requires = "send")]
    pub again: bool,
    /// 输出目录（默认：output/）；预览邮件写到其中的 <报送期>/outbox/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 备份到这个目录（已有的备份只补新增的）；备份本身也是一个报送档案，可用 --archive 读取
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 报送期，如 2023Q3
    #[arg(long, value_name = "PERIOD")]
    pub period: Period,
    /// 输出目录（默认：output/）；报送情况表写到其中的 <报送期>/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 季度报告：中心和各工作站（含下级）本季度及年初至今的各项数字
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Quarterly(QuarterlyArgs),
    /// 年度人才调研报告：中心和各工作站的全年总结、结构、问题需求、活动、成果、不足与建议
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Annual(AnnualArgs),
    /// 半年人才工作总结：中心和各工作站上半年或下半年的总结，与上年同期比较，不足与下步工作谋划
    #[command(name = "half-year", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    HalfYear(HalfYearArgs),
    /// 月调度表：中心按月调度各工作站（含所属工作室）的活动、目标、问题需求、超期未办结和未报送单位
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Monthly(MonthlyArgs),
}

#[derive(Debug, Args)]
pub struct MonthlyArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 月份，如 2023-08
    #[arg(long, value_name = "YYYY-MM")]
    pub month: crate::period::Month,
    /// 输出格式：text（默认，写出 PDF 和 XLSX）或 json（只打印调度表模型）
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
    /// 输出目录（默认：output/）；调度表写到其中的 <报送期>/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HalfYearArgs {
    #[command(flatten)]
    pub summary: SummaryArgs,
    /// 年份，如 2023
    #[arg(long, value_name = "YEAR")]
    pub year: i32,
    /// 上半年 1，下半年 2
    #[arg(long, value_name = "1|2", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub half: u8,
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    #[command(flatten)]
    pub summary: SummaryArgs,
    /// 年份，如 2023
    #[arg(long, value_name = "YEAR")]
    pub year: i32,
}

/// What the annual and the half-year summaries are asked with, besides their span.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 只输出该单位的报告
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// 输出格式：text（默认，写出 PDF 和 XLSX）或 json（只打印报告模型）
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
    /// 输出目录（默认：output/）；报告写到其中的 <年份>/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 报送期，如 2023Q3
    #[arg(long, value_name = "PERIOD")]
    pub period: Period,
    /// 只输出该单位（及其下级汇总）的报告
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// 输出格式：text（默认，写出 PDF 和 XLSX）或 json（只打印报告模型，供其他程序使用）
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
    /// 输出目录（默认：output/）；报告写到其中的 <报送期>/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub common: Common,
    /// 要校验的文件或文件夹（文件夹会递归查找）
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 输出格式：text（默认，按文件分组的中文表格）或 json
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
    /// 为每个有问题的文件写出校验反馈表到该目录
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    pub common: Common,
    /// 报送期，如 2023Q3 或 2023年第三季度
    #[arg(long, value_name = "PERIOD")]
    pub period: Period,
    /// 只生成该单位编码的模板
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// 输出目录
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 空白模板：不预填中心已收到的名册和未办结的问题、需求
    #[arg(long)]
    pub blank: bool,
}

/// A command that makes one year's material (考核材料, 人才风采).
#[derive(Debug, Args)]
pub struct YearArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 年度，如 2023
    #[arg(long, value_name = "YEAR")]
    pub year: i32,
    /// 输出目录（默认：output/）；写到其中的 <年份>/ 下
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 输出格式：text（默认，写出文件）或 json（只打印内容，不写文件）
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DirectoryArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出目录（默认：output/）
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出目录（默认：sample-input/）
    #[arg(long, value_name = "DIR", default_value = "sample-input")]
    pub out: PathBuf,
    /// 随机种子：同一种子总是生成同样的数据
    #[arg(long, value_name = "N", default_value_t = 2023)]
    pub seed: u64,
    /// 模拟的年份（第一年第一季度起，共若干年）
    #[arg(long, value_name = "YEAR", default_value_t = 2023)]
    pub from_year: i32,
    /// 模拟几年
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub years: u32,
    /// 不用东胜区名录，虚构一个约 N 个单位的区（1 个中心，每个工作站带 19 个工作室），用于性能测试
    #[arg(long, value_name = "N")]
    pub units: Option<usize>,
    /// 虚构区的中心代码（各单位代码由它派生），用于模拟多个区县
    #[arg(long, value_name = "CODE", requires = "units", default_value = crate::sample::SYNTHETIC_CODE)]
    pub code: String,
    /// 每个单位的台账行数放大 K 倍（人员、问题、需求、活动、成果），用于性能测试
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub scale: u32,
    /// 只写平台名录，不生成收件箱
    #[arg(long)]
    pub registry_only: bool,
    /// 收件箱目录已有文件时，先清空再写
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PlatformArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出格式：text（默认）或 json
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("when").required(true).args(["period", "year"])))]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub archive: ArchiveArg,
    /// 导出的报送期，如 2023Q3
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<Period>,
    /// 导出一年中档案里有的各报送期，如 2023
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// 导出目录（可与其他区县共用，各区县写在自己的 district= 分区里）
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出哪一部分：fields（字段表）、diagnostics（诊断目录）或 all
    #[arg(long, value_name = "PART", default_value = "all")]
    pub part: SchemaPart,
    /// 不打印，而是更新该 README 文件中对应的生成部分
    #[arg(long, value_name = "FILE")]
    pub readme: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaPart {
    Fields,
    Diagnostics,
    All,
}

/// A command-line error in Chinese (clap's own text is English), and the
/// hint to see the help. `None` for help and version requests, which clap
/// prints itself.
pub fn explain(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    use serde_json::json;

    use crate::render::console::{say, word};

    let get = |kind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
    let text = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e).map(|s| s.to_string());
            say(
                "usage_invalid_value",
                &json!({ "arg": get(ContextKind::InvalidArg), "value": get(ContextKind::InvalidValue), "reason": reason }),
            )
        }
        ErrorKind::MissingRequiredArgument => say(
            "usage_missing",
            &json!({ "args": get(ContextKind::InvalidArg) }),
        ),
        ErrorKind::UnknownArgument => say(
            "usage_unknown",
            &json!({ "arg": get(ContextKind::InvalidArg) }),
        ),
        ErrorKind::ArgumentConflict => say(
            "usage_conflict",
            &json!({ "arg": get(ContextKind::InvalidArg), "prior": get(ContextKind::PriorArg) }),
        ),
        ErrorKind::InvalidSubcommand => say(
            "usage_unknown_command",
            &json!({ "arg": get(ContextKind::InvalidSubcommand) }),
        ),
        _ => say(
            "usage_other",
            &json!({ "text": e.kind().as_str().unwrap_or_default() }),
        ),
    };
    let hint = word("usage_hint").unwrap_or_default();
    Some(format!(
        "{}\n{hint}",
        text.unwrap_or_else(|_| e.to_string())
    ))
}
