"""Templates of realistic pastes for `make_rules_corpus` (slots ``«kind»``; see that module for the kinds).

Each entry is (language, kind of paste, template). Values are drawn fresh for every rendering.
"""

from __future__ import annotations

POSITIVE: list[tuple[str, str, str]] = [
    # ---------------------------------------------------------------- .env and shell
    (
        "en",
        "env",
        """# production settings — do not commit
APP_ENV=production
APP_DEBUG=false
DB_HOST=«ipint»
DB_PORT=«port»
DB_USERNAME=«user»
DB_PASSWORD=«pw»
REDIS_PASSWORD=«pw»
MAIL_FROM=«email»
JWT_SECRET=«secret»
""",
    ),
    (
        "en",
        "env",
        """export AWS_ACCESS_KEY_ID=«aws_id»
export AWS_SECRET_ACCESS_KEY=«aws_secret»
export AWS_DEFAULT_REGION=eu-west-1
export HF_TOKEN=«hf»
""",
    ),
    (
        "en",
        "env",
        """SECRET_KEY='«django»'
DEBUG=False
ALLOWED_HOSTS=app.example.com
DATABASE_URL=«dburl»
""",
    ),
    (
        "en",
        "env",
        """STRIPE_API_KEY=«vendor»
STRIPE_WEBHOOK_SECRET=«secret»
SESSION_SECRET=«secret»
ADMIN_PASSWORD=«pw»
""",
    ),
    (
        "en",
        "env",
        """# .env.local
NEXTAUTH_URL=http://localhost:3000
NEXTAUTH_SECRET=«secret»
GITHUB_CLIENT_ID=Iv1.«uuid»
GITHUB_CLIENT_SECRET=«secret»
""",
    ),
    (
        "en",
        "shell",
        """$ export TENCENTCLOUD_SECRET_ID=«akid»
$ export TENCENTCLOUD_SECRET_KEY=«secret»
$ tccli cvm DescribeInstances --region ap-guangzhou
""",
    ),
    (
        "en",
        "shell",
        """$ export PGPASSWORD=«pw»
$ psql -h «ipint» -U «user» -d orders -c 'select count(*) from invoices;'
 count
-------
  4182
""",
    ),
    (
        "en",
        "shell",
        """ubuntu@ip-10-0-1-17:~$ mysql -u root -p«pw» -h «ipint» shop
mysql: [Warning] Using a password on the command line interface can be insecure.
ERROR 2003 (HY000): Can't connect to MySQL server (111)
""",
    ),
    (
        "en",
        "env",
        """WORDPRESS_DB_HOST=mysql:3306
WORDPRESS_DB_USER=wp
WORDPRESS_DB_PASSWORD=«pw»
WORDPRESS_AUTH_KEY=«salt»
WORDPRESS_SECURE_AUTH_KEY=«salt»
WORDPRESS_NONCE_SALT=«salt»
""",
    ),
    (
        "zh",
        "env",
        """# 测试环境配置，别提交
MYSQL_ROOT_PASSWORD=«pw»
MYSQL_DATABASE=crm
MINIO_SECRET_KEY=«secret»
ALIYUN_ACCESS_KEY_SECRET=«secret»
""",
    ),
    (
        "en",
        "env",
        """OPENAI_API_KEY=«vendor»
ANTHROPIC_API_KEY=«vendor»
LANGCHAIN_TRACING_V2=true
""",
    ),
    (
        "en",
        "env",
        """SMTP_HOST=smtp.sendgrid.net
SMTP_USER=apikey
SMTP_PASS=«vendor»
ENCRYPTION_KEY=«secret»
""",
    ),
    # ---------------------------------------------------------------- YAML / TOML / INI / JSON
    (
        "en",
        "yaml",
        """spring:
  datasource:
    url: jdbc:mysql://«ipint»:3306/billing
    username: billing_app
    password: «pw»
  redis:
    host: «ipint»
    password: "«pw»"
""",
    ),
    (
        "en",
        "yaml",
        """# docker-compose.yml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: «pw»
  api:
    environment:
      - SECRET_KEY=«secret»
      - SENTRY_DSN=https://«sentry»@o«pid».ingest.sentry.io/«pid»
""",
    ),
    (
        "en",
        "yaml",
        """apiVersion: v1
kind: Secret
metadata:
  name: registry-credentials
stringData:
  username: deploy
  password: «pw»
  api_token: «token»
""",
    ),
    (
        "en",
        "toml",
        """[database]
host = "«ipint»"
port = «port»
user = "reporting"
password = "«pw»"

[auth]
jwt_secret = "«secret»"
""",
    ),
    (
        "en",
        "ini",
        """[client]
user=backup
password=«pw»
host=«host»

[mysqldump]
quick
""",
    ),
    (
        "en",
        "ini",
        """; php.ini overrides
[mail function]
SMTP = smtp.office365.com
smtp_port = 587
auth_username = «email»
auth_password = «pw»
""",
    ),
    (
        "en",
        "json",
        """{
  "name": "billing-service",
  "version": "«version»",
  "db": {"host": "«ipint»", "user": "svc", "password": "«pw»"},
  "stripeSecretKey": "«vendor»",
  "webhookSecret": "«secret»"
}
""",
    ),
    (
        "en",
        "json",
        """{"type": "service_account", "project_id": "acme-prod-2291", "private_key_id": "«uuid»",
 "client_email": "«email»", "client_secret": "«secret»"}
""",
    ),
    (
        "zh",
        "yaml",
        """# application-prod.yml（生产）
spring:
  datasource:
    username: root
    password: «pw»
aliyun:
  oss:
    access-key-id: «vendor»
    access-key-secret: «secret»
""",
    ),
    (
        "en",
        "json",
        """{
  "ConnectionStrings": {
    "Default": "Server=«ipint»;Database=Shop;User Id=sa;Password=«pw»;"
  },
  "Jwt": { "Key": "«secret»", "Issuer": "shop-api" }
}
""",
    ),
    # ---------------------------------------------------------------- code
    (
        "en",
        "php",
        """<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_admin' );
define( 'DB_PASSWORD', '«pw»' );
define( 'DB_HOST', 'localhost' );
define( 'AUTH_KEY',         '«salt»' );
define( 'SECURE_AUTH_SALT', '«salt»' );
""",
    ),
    (
        "en",
        "python",
        """import boto3

client = boto3.client(
    "s3",
    aws_access_key_id="«aws_id»",
    aws_secret_access_key="«aws_secret»",
)
""",
    ),
    (
        "en",
        "python",
        """from huggingface_hub import login
login(token="«hf»")
model = AutoModel.from_pretrained("org/model", use_auth_token="«hf»")
""",
    ),
    (
        "en",
        "python",
        """# settings.py
SECRET_KEY = "«django»"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "USER": "shop",
                         "PASSWORD": "«pw»", "HOST": "«ipint»"}}
""",
    ),
    (
        "en",
        "python",
        """conn = psycopg2.connect(host="«ipint»", dbname="metrics", user="grafana", password="«pw»")
cur = conn.cursor()
""",
    ),
    (
        "en",
        "js",
        """const client = new Client({
  user: 'report',
  password: '«pw»',
  host: '«ipint»',
});
const stripe = require('stripe')('«vendor»');
""",
    ),
    (
        "en",
        "js",
        """// TODO move to env
const API_TOKEN = "«token»";
const slack = new WebClient("«vendor»");
fetch(url, { headers: { Authorization: `Bearer ${API_TOKEN}` } });
""",
    ),
    (
        "en",
        "python",
        """redis_client = redis.Redis(host="«ipint»", port=6379, password="«pw»", db=0)
SALT = "«salt»"
""",
    ),
    (
        "en",
        "go",
        """db, err := sql.Open("postgres", "«dburl»")
if err != nil {
    log.Fatal(err)
}
""",
    ),
    (
        "en",
        "java",
        """props.put("mail.smtp.host", "smtp.gmail.com");
Session session = Session.getInstance(props, new Authenticator() {
    protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication("«email»", "«pw»");
    }
});
""",
    ),
    (
        "zh",
        "python",
        """# 临时调试用，记得删掉
APP_SECRET = "«secret»"
wx_appsecret = "«secret»"
print("连接成功")
""",
    ),
    (
        "en",
        "sql",
        """INSERT INTO users (email, password_hash, created_at) VALUES
('«email»', '«bcrypt»', '«ts»');
""",
    ),
    (
        "en",
        "log",
        """user row: id=«pid» email=«email» hash=«argon2» last_login=«ts»
""",
    ),
    (
        "en",
        "python",
        """>>> bcrypt.hashpw(b"hunter", bcrypt.gensalt())
b'«bcrypt»'
""",
    ),
    # ---------------------------------------------------------------- curl, HTTP
    (
        "en",
        "curl",
        """curl -X POST https://api.example.com/v1/charges \\
  -H "Authorization: Bearer «token»" \\
  -H "Content-Type: application/json" \\
  -d '{"amount": 2000, "currency": "usd"}'
""",
    ),
    (
        "en",
        "curl",
        """curl -u «user»:«pw» https://ci.example-corp.com/job/deploy/build
""",
    ),
    (
        "en",
        "curl",
        """curl -s "https://api.openweathermap.org/data/2.5/weather?q=Berlin&appid=«secret»"
""",
    ),
    (
        "en",
        "curl",
        """curl https://«user»:«urlpw»@«host»/artifacts/release-«version».tar.gz -o release.tgz
""",
    ),
    (
        "en",
        "curl",
        """curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/«slack_hook»
""",
    ),
    (
        "en",
        "curl",
        """curl -H "Content-Type: application/json" -d '{"content": "build failed"}' "https://discord.com/api/webhooks/«discord_hook»"
""",
    ),
    (
        "zh",
        "curl",
        """飞书机器人的地址：https://open.feishu.cn/open-apis/bot/v2/hook/«feishu_hook» ，帮我看看为什么发不出去
""",
    ),
    (
        "en",
        "curl",
        """Teams connector URL: https://contoso.webhook.office.com/webhookb2/«teams_hook»
It returns 400 since yesterday.
""",
    ),
    (
        "zh",
        "curl",
        """企业微信群机器人：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=«wecom_key»
调用返回 errcode 93000
""",
    ),
    (
        "en",
        "http",
        """GET /api/v2/users/me HTTP/1.1
Host: api.example.com
Authorization: Bearer «jwt»
Accept: application/json
""",
    ),
    (
        "en",
        "http",
        """POST /oauth/token HTTP/1.1
Content-Type: application/x-www-form-urlencoded

grant_type=refresh_token&refresh_token=«token»&client_id=web
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  request GET /reset?email=«email_enc»&token=«token» 200 31ms
""",
    ),
    (
        "en",
        "url",
        """Here's the sign-up link our CRM generated: https://app.example.com/invite?ref=mail&email=«email_enc»&utm_source=crm
""",
    ),
    (
        "en",
        "url",
        """proxy is http://«user»:«urlpw»@«host»:3128 — set it in apt.conf
""",
    ),
    (
        "en",
        "url",
        """git remote set-url origin https://oauth2:«vendor»@gitlab.com/acme/infra.git
""",
    ),
    (
        "en",
        "url",
        """ftp://«user»:«urlpw»@«host»/backups/ is where the nightly dump goes
""",
    ),
    (
        "en",
        "config",
        """sentry_sdk.init(dsn="https://«sentry»@o«pid».ingest.sentry.io/«pid»", traces_sample_rate=0.2)
""",
    ),
    (
        "en",
        "url",
        """MONGO_URI=«dburl»
REDIS_URL=redis://:«urlpw»@«ipint»:6379/0
""",
    ),
    # ---------------------------------------------------------------- stack traces and logs
    (
        "en",
        "trace",
        """Traceback (most recent call last):
  File "/srv/app/db.py", line 41, in connect
    return psycopg2.connect("«dburl»")
psycopg2.OperationalError: connection to server at "«ipint»", port 5432 failed: timeout expired
""",
    ),
    (
        "en",
        "trace",
        """Exception in thread "main" com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure
    at com.acme.Db.open(Db.java:52) url=jdbc:mysql://«ipint»:3306/erp?user=erp&password=«pw»
""",
    ),
    (
        "en",
        "log",
        """«ts» WARN  auth: failed login for «email» from «ip» (attempt 3)
«ts» WARN  auth: failed login for «email» from «ip» (attempt 4)
«ts» INFO  auth: account locked, pid=«pid»
""",
    ),
    (
        "en",
        "log",
        """Nov 12 03:14:07 gw01 dhcpd: DHCPACK on «ipint» to «mac» (android-7f2c) via eth1
""",
    ),
    (
        "en",
        "log",
        """«ts» DEBUG payment.create card=«card» exp=09/28 cvv=«cvv» amount=«amount»
""",
    ),
    (
        "en",
        "log",
        """«ts» ERROR smtp: 535 Authentication failed for user «email» (password «pw»)
""",
    ),
    (
        "zh",
        "log",
        """«ts} [ERROR] 登录失败 用户=«email» IP=«ip» 原因=密码错误
""".replace("«ts}", "«ts»"),
    ),
    (
        "en",
        "log",
        """ifconfig eth0
eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
        inet «ipint»  netmask 255.255.255.0  broadcast 10.255.255.255
        ether «mac»  txqueuelen 1000  (Ethernet)
""",
    ),
    (
        "en",
        "log",
        """switch# show mac address-table | include Gi1/0/12
  20    «mac»    DYNAMIC     Gi1/0/12
""",
    ),
    # ---------------------------------------------------------------- vendor keys in prose
    (
        "en",
        "chat",
        """I accidentally pasted «vendor» into the public channel, how do I rotate it?
""",
    ),
    (
        "en",
        "chat",
        """the CI keeps failing with 401, my token is «vendor» and the registry user is «user»
""",
    ),
    (
        "zh",
        "chat",
        """这个密钥是不是过期了：«vendor» 调用一直报 InvalidAccessKeyId
""",
    ),
    (
        "zh",
        "chat",
        """腾讯云 SecretId：«akid» SecretKey：«secret» 帮我写个上传 COS 的脚本
""",
    ),
    (
        "en",
        "chat",
        """Use this HF token for the gated model: «hf» (read-only)
""",
    ),
    (
        "en",
        "chat",
        """-----BEGIN key for the staging box, pls don't share-----
«pem»
""",
    ),
    (
        "en",
        "chat",
        """why does jwt.io say the signature is invalid? «jwt»
""",
    ),
    # ---------------------------------------------------------------- support e-mails, bank notes, résumés
    (
        "en",
        "email",
        """Hi «name»,

Please update the payroll details for me: account holder «name», IBAN «iban», effective next month.
My SSN is «ssn» and you can reach me on «phone_us».

Thanks
""",
    ),
    (
        "en",
        "email",
        """Hello support,
I was charged twice for order «order». The card ending in 4421 — full number «card» — shows two pending
amounts of «amount». Please refund one. Contact: «email», phone «phone_us».
""",
    ),
    (
        "en",
        "bank",
        """Wire details
Beneficiary: «name»
Bank: First National Bank
Routing number: «routing»
Account number: «acct»
Reference: «order»
""",
    ),
    (
        "en",
        "bank",
        """For the deposit: Account No. «acct», routing «routing», SWIFT FNBAUS33. Amount «amount».
""",
    ),
    (
        "en",
        "resume",
        """«name»
«email» | «phone_us» | Austin, TX
Date of birth: «dob»
Passport: «passport»
EXPERIENCE
Senior Engineer, Northwind (2019–present)
""",
    ),
    (
        "en",
        "form",
        """Applicant: «name»
DOB: «dob»
National Insurance number: «nino»
Phone: «phone_us»
""",
    ),
    (
        "en",
        "form",
        """Employee onboarding — tax_id: «ssn_bare», born «dob», start date 2026-01-05
""",
    ),
    (
        "en",
        "form",
        """Please confirm your identity: SSN «ssn_bare» and date of birth «dob».
""",
    ),
    (
        "en",
        "travel",
        """Booking for «name», passport number «passport», expires 2031-04-30. Flight LH«pid» on 2026-03-14.
""",
    ),
    (
        "en",
        "form",
        """NI number «nino» — I think HMRC has my old address.
""",
    ),
    (
        "zh",
        "resume",
        """个人简历
姓名：«namezh»
出生日期：«dobzh»
手机：«phone_cn»
邮箱：«email»
身份证号：«cnid»
""",
    ),
    (
        "zh",
        "form",
        """入职信息登记：«namezh}，生日«dobzh}，护照号码«passport}，银行卡账号«cnacct}。
""".replace("}", "»"),
    ),
    (
        "zh",
        "bank",
        """请帮我给这个账户转账：户名 «namezh»，开户行 招商银行深圳分行，账号：«cnacct»，金额 «amount»。
""",
    ),
    (
        "zh",
        "bank",
        """我的工资卡是«card}，开户行工商银行，有问题打我电话«phone_cn}。
""".replace("}", "»"),
    ),
    (
        "zh",
        "form",
        """客户资料：«namezh»，«dobzh»出生，身份证«cnid»，联系电话«landline»。
""",
    ),
    (
        "zh",
        "email",
        """您好，我们公司的座机是«landline»，传真同号。对公账户：«cnacct»，请核对。
""",
    ),
    (
        "zh",
        "travel",
        """出行人：«namezh}，护照号码：«passport}，出生日期：«dobzh}，手机«phone_cn}
""".replace("}", "»"),
    ),
    # ---------------------------------------------------------------- OTP and verification messages
    (
        "en",
        "otp",
        """Your Acme verification code is «otp». It expires in 10 minutes. Don't share it with anyone.
""",
    ),
    (
        "en",
        "otp",
        """«otp6» is your Instagram code. Don't share it.
""",
    ),
    (
        "en",
        "otp",
        """[Northwind Bank] Use one-time passcode «otp» to approve the transfer of «amount». Never share this code.
""",
    ),
    (
        "en",
        "otp",
        """hey can you read me the code they just texted you? it should be «otp» or something, I need it for the login
""",
    ),
    (
        "en",
        "otp",
        """The bank called about the SMS OTP authentication (which generated code «otp») and said it was used from «ip».
""",
    ),
    (
        "en",
        "otp",
        """G-«otp6» is your Google verification code.
""",
    ),
    (
        "en",
        "otp",
        """Your 2FA code: «otp»
""",
    ),
    (
        "en",
        "otp",
        """Login attempt from Chrome on Windows. Security code: «otp». If this wasn't you, reset your password.
""",
    ),
    (
        "en",
        "otp",
        """My verification code is «otp» — the site says it's invalid every time, what am I doing wrong?
""",
    ),
    (
        "zh",
        "otp",
        """【招商银行】您的验证码为«otp»，5分钟内有效，请勿泄露。
""",
    ),
    (
        "zh",
        "otp",
        """【美团】«otp6}（登录验证码），请在5分钟内完成验证。如非本人操作请忽略。
""".replace("}", "»"),
    ),
    (
        "zh",
        "otp",
        """刚收到验证码 '«otp»' 的临时授权短信，你帮我看看是不是诈骗
""",
    ),
    (
        "zh",
        "otp",
        """双重认证短信验证码 «otp» 已发送到您的手机«phone_cn}，请勿转告他人。
""".replace("}", "»"),
    ),
    (
        "zh",
        "otp",
        """妈，快递员说要你手机上的验证码，你看一下是多少？就是那个«otp»吗
""",
    ),
    (
        "zh",
        "otp",
        """动态码：«otp»，您正在进行支付操作。
""",
    ),
    (
        "en",
        "otp",
        """Card security check: enter the CVV «cvv» on the back of the card ending «pid».
""",
    ),
    # ---------------------------------------------------------------- backup codes, PINs, door codes
    (
        "en",
        "codes",
        """GitHub recovery codes — keep them somewhere safe
«backup»
""",
    ),
    (
        "en",
        "codes",
        """Backup codes for my Google account: «backupc»
""",
    ),
    (
        "en",
        "codes",
        """Here are the backup codes, each works once:
«backups»
""",
    ),
    (
        "zh",
        "codes",
        """备用验证码（每个只能用一次）：
«backup»
""",
    ),
    (
        "zh",
        "codes",
        """我的恢复码：«backupc»，存一下
""",
    ),
    (
        "en",
        "codes",
        """House notes for the sitter: alarm code «pin», the key box by the garage uses «pin». Wi-Fi is on the fridge.
""",
    ),
    (
        "en",
        "codes",
        """Your new card PIN is «pin». Memorise it and destroy this letter.
""",
    ),
    (
        "en",
        "codes",
        """door code: «pin}# — gate on the left side
""".replace("}", "»"),
    ),
    (
        "en",
        "codes",
        """The safe combination is «pin», the keypad code for the office is «pin».
""",
    ),
    (
        "zh",
        "codes",
        """小区门禁密码«pin»#，开锁密码«pin»，到了给我打电话«phone_cn»。
""",
    ),
    (
        "zh",
        "codes",
        """银行卡密码是«pin»，取完钱记得改。
""",
    ),
    (
        "en",
        "codes",
        """My phone unlock PIN: «pin»
""",
    ),
    # ---------------------------------------------------------------- credentials without a password keyword
    (
        "en",
        "creds",
        """login: «email» / «pw»
""",
    ),
    (
        "en",
        "creds",
        """Wi-Fi "«ssid»" / «pw»
""",
    ),
    (
        "en",
        "creds",
        """Staging admin → «email» / «pw» (please change after first login)
""",
    ),
    (
        "en",
        "creds",
        """user: «user»  pass: «pw»
""",
    ),
    (
        "zh",
        "creds",
        """账号：«email» 密码：«pw»
""",
    ),
    (
        "zh",
        "creds",
        """测试账号 «phone_cn} 密码«pw}，登录后别改资料
""".replace("}", "»"),
    ),
    (
        "zh",
        "creds",
        """WiFi：«ssid»，密码：«pw»
""",
    ),
    (
        "en",
        "creds",
        """Credentials for the vendor portal: username «user», password «pw».
""",
    ),
    (
        "en",
        "creds",
        """ssh «user»@«ipint» (pw: «pw»)
""",
    ),
    # ---------------------------------------------------------------- chats
    (
        "zh",
        "chat",
        """[微信] 张总：服务器 «ipint» 的 root 密码改成 «pw» 了，别外传
[微信] 我：收到
""",
    ),
    (
        "zh",
        "chat",
        """老王 14:02
数据库连接串给你：«dburl}
我 14:03
好的，谢谢
""".replace("}", "»"),
    ),
    (
        "zh",
        "chat",
        """你把这个发给财务：收款账号«cnacct}，户名«namezh}，备注«order}
""".replace("}", "»"),
    ),
    (
        "en",
        "chat",
        """[10:41] Kenji: router admin is at «ipint», mac filter has my laptop «mac»
[10:42] me: ok adding it
""",
    ),
    (
        "en",
        "chat",
        """my new number is «phone_us», old one is dead. also moved to «email»
""",
    ),
    (
        "zh",
        "chat",
        """你好，我的邮箱是«email}，手机«phone_cn}，麻烦把发票发我
""".replace("}", "»"),
    ),
    (
        "zh",
        "chat",
        """我家的网关 MAC 是 «mac»，内网地址 «ipint»，帮我查下为什么掉线
""",
    ),
    (
        "zh",
        "chat",
        """办公室电话«landline}，有事找前台。
""".replace("}", "»"),
    ),
    # ---------------------------------------------------------------- second batch: other phrasings
    (
        "en",
        "env",
        """# heroku config:get
DATABASE_PASSWORD: «pw»
SECRET_KEY_BASE: «secret»
RAILS_MASTER_KEY: «secret»
""",
    ),
    (
        "en",
        "shell",
        """PS C:\\Users\\dev> $env:OPENAI_API_KEY = "«vendor»"
PS C:\\Users\\dev> python run.py
""",
    ),
    (
        "en",
        "shell",
        """set DB_PASS=«pw»
set API_SECRET=«secret»
node server.js
""",
    ),
    (
        "en",
        "yaml",
        """# GitHub Actions
env:
  NPM_TOKEN: «vendor»
  SLACK_WEBHOOK_URL: https://hooks.slack.com/services/«slack_hook»
""",
    ),
    (
        "en",
        "ini",
        """[smtp]
server = smtp.mailgun.org
login = «email»
passwd = «pw»
""",
    ),
    (
        "en",
        "python",
        """app.config["SECRET_KEY"] = "«secret»"
app.config["MAIL_PASSWORD"] = "«pw»"
""",
    ),
    (
        "en",
        "python",
        """client = OpenAI(api_key="«vendor»")
hf_api = HfApi(token="«hf»")
""",
    ),
    (
        "en",
        "js",
        """module.exports = {
  jwtSecret: '«secret»',
  dbPassword: '«pw»',
};
""",
    ),
    (
        "en",
        "js",
        """const firebaseConfig = { apiKey: "AIza«token»", authDomain: "acme-1f2e.firebaseapp.com" };
""",
    ),
    (
        "en",
        "php",
        """$config['encryption_key'] = '«secret»';
$db['default']['password'] = '«pw»';
""",
    ),
    (
        "en",
        "xml",
        """<connectionStrings>
  <add name="Main" connectionString="Data Source=«ipint»;Initial Catalog=Crm;User ID=crm;Password=«pw»" />
</connectionStrings>
""",
    ),
    (
        "en",
        "docker",
        """docker run -d -e POSTGRES_PASSWORD=«pw» -e PGADMIN_DEFAULT_PASSWORD=«pw» -p 5432:5432 postgres
""",
    ),
    (
        "en",
        "docker",
        """docker login -u «user» -p «pw» registry.example-corp.com
""",
    ),
    (
        "en",
        "url",
        """Grafana: http://admin:«urlpw»@«ipint»:3000/d/abc123/overview
""",
    ),
    (
        "en",
        "url",
        """amqp://guest:«urlpw»@«host»:5672/%2F is what the worker uses
""",
    ),
    (
        "en",
        "url",
        """Discord alert hook → https://discordapp.com/api/webhooks/«discord_hook»
""",
    ),
    (
        "en",
        "url",
        """Unsubscribe link: https://news.example.com/u?e=«email_enc»&list=7
""",
    ),
    (
        "en",
        "log",
        """«ts» WARN  retrying POST https://hooks.slack.com/services/«slack_hook» (429)
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  login ok user=«email» ip=«ip» mfa=totp
""",
    ),
    (
        "en",
        "otp",
        """Your Microsoft account security code is «otp6»
""",
    ),
    (
        "en",
        "otp",
        """Use «otp» as your login code for Slack. It expires in 10 minutes.
""",
    ),
    (
        "en",
        "otp",
        """Verification code: «otp» (valid for 5 min). Reply STOP to opt out.
""",
    ),
    (
        "en",
        "otp",
        """Enter this one-time password to continue: «otp»
""",
    ),
    (
        "zh",
        "otp",
        """【支付宝】校验码«otp6»，您正在登录，若非本人操作请勿泄露。
""",
    ),
    (
        "zh",
        "otp",
        """您的登录验证码：«otp»，有效期10分钟。
""",
    ),
    (
        "zh",
        "otp",
        """验证码«otp»，用于修改密码，请勿告知他人。
""",
    ),
    (
        "en",
        "codes",
        """Recovery codes (GitLab):
1. «backup»
""",
    ),
    (
        "en",
        "codes",
        """Save these 2FA backup codes: «backupc». Each can be used once.
""",
    ),
    (
        "zh",
        "codes",
        """两步验证恢复码如下，请妥善保管：
«backup»
""",
    ),
    (
        "en",
        "codes",
        """gate code «pin», then the door code is «pin}# on the keypad
""".replace("}", "»"),
    ),
    (
        "en",
        "codes",
        """ATM PIN: «pin»
""",
    ),
    (
        "zh",
        "codes",
        """保险柜密码 «pin»，钥匙在抽屉里。
""",
    ),
    (
        "zh",
        "codes",
        """快递柜取件后记得把门禁码«pin}告诉保洁阿姨。
""".replace("}", "»"),
    ),
    (
        "en",
        "creds",
        """Sign-in: «email» / «pw»
""",
    ),
    (
        "en",
        "creds",
        """WiFi: «ssid» / «pw»
""",
    ),
    (
        "zh",
        "creds",
        """用户名：«user»，密码：«pw»，登录后台后记得改。
""",
    ),
    (
        "en",
        "form",
        """D.O.B.: «dob»
SSN: «ssn»
""",
    ),
    (
        "en",
        "form",
        """Born «dob» in Leeds. NINO: «nino».
""",
    ),
    (
        "en",
        "form",
        """Patient: «name» | Date of Birth: «dob» | MRN 00«pid»
""",
    ),
    (
        "zh",
        "form",
        """出生年月：«dobzh»
护照：«passport»
""",
    ),
    (
        "zh",
        "form",
        """生日«dobzh}，想订那天的蛋糕。
""".replace("}", "»"),
    ),
    (
        "en",
        "bank",
        """Please send the refund to acct # «acct» (routing «routing»).
""",
    ),
    (
        "en",
        "bank",
        """Beneficiary account number «acct», sort code 20-00-00.
""",
    ),
    (
        "zh",
        "bank",
        """收款账户：«cnacct}（工商银行），户名«namezh}。
""".replace("}", "»"),
    ),
    (
        "en",
        "net",
        """arp -a
? («ipint») at «mac» [ether] on wlan0
""",
    ),
    (
        "en",
        "net",
        """Device MAC: «mac», serial SN-«pid»
""",
    ),
    (
        "zh",
        "net",
        """网关地址«ipint}，路由器MAC «mac}。
""".replace("}", "»"),
    ),
    (
        "zh",
        "chat",
        """售后电话«landline}，工作日9点到6点。
""".replace("}", "»"),
    ),
    (
        "en",
        "chat",
        """here's the prod jwt if you want to debug: «jwt»
""",
    ),
    (
        "en",
        "chat",
        """can someone rotate this? «vendor» got committed to the public repo
""",
    ),
    # ---------------------------------------------------------------- third batch
    (
        "en",
        "env",
        """# staging.env
POSTGRES_HOST=«ipint»
POSTGRES_PASS=«pw»
CELERY_BROKER_URL=«dburl»
STRIPE_SK=«vendor»
""",
    ),
    (
        "en",
        "yaml",
        """kafka:
  sasl:
    username: svc-events
    password: '«pw»'
  ssl:
    keystore-password: «pw»
""",
    ),
    (
        "en",
        "toml",
        """[tool.poetry.http-basic.private]
username = "ci"
password = "«pw»"
[secrets]
github_token = "«vendor»"
""",
    ),
    (
        "en",
        "json",
        """{"auths": {"registry.example.com": {"auth": "«token»", "email": "«email»"}}}
""",
    ),
    (
        "en",
        "python",
        """SMTP_CONFIG = dict(host="smtp.office365.com", port=587, user="«email»", password="«pw»")
""",
    ),
    (
        "en",
        "python",
        """s3 = boto3.resource('s3', aws_access_key_id='«aws_id»', aws_secret_access_key='«aws_secret»')
""",
    ),
    (
        "en",
        "js",
        """const pool = mysql.createPool({ host: '«ipint»', user: 'app', password: "«pw»", database: 'shop' });
""",
    ),
    (
        "en",
        "trace",
        """  File "/usr/lib/python3/site-packages/redis/connection.py", line 707, in connect
redis.exceptions.AuthenticationError: invalid password
  (url=redis://:«urlpw»@«ipint»:6379/0)
""",
    ),
    (
        "en",
        "trace",
        """org.postgresql.util.PSQLException: FATAL: password authentication failed for user "billing"
    jdbc:postgresql://«ipint»:5432/billing?user=billing&password=«pw»
""",
    ),
    (
        "en",
        "log",
        """«ts» DEBUG outgoing request headers={'Authorization': 'Bearer «jwt»', 'User-Agent': 'app/«version»'}
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  sshd: Accepted password for «user» from «ip» port «pid» ssh2
""",
    ),
    (
        "en",
        "email",
        """Dear HR,
please update my bank details: Account Number «acct», routing number «routing». My date of birth is «dob» for
verification. Thanks, «name»
""",
    ),
    (
        "en",
        "email",
        """Hi, I can't log in. My username is «email» and the temporary password you sent was «pw» — it says expired.
""",
    ),
    (
        "en",
        "chat",
        """[09:12] Priya: the wifi pw is «pw»
[09:13] Tom: thx
""",
    ),
    (
        "en",
        "chat",
        """door code's «pin», alarm is «pin» — disarm within 30s
""",
    ),
    (
        "en",
        "otp",
        """«otp6» is your verification code for Acme. It will expire in 5 minutes.
""",
    ),
    (
        "en",
        "otp",
        """Your one-time code: «otp»
""",
    ),
    (
        "en",
        "otp",
        """Hi! Your sign-in code is «otp». Enter it within 10 minutes.
""",
    ),
    (
        "zh",
        "otp",
        """【京东】验证码：«otp»，您正在进行绑卡操作，切勿告知他人。
""",
    ),
    (
        "zh",
        "otp",
        """你好，验证码是«otp}，麻烦帮我填一下
""".replace("}", "»"),
    ),
    (
        "zh",
        "chat",
        """[微信] 李姐：我的身份证号«cnid»，手机«phone_cn»，帮我订一下票
""",
    ),
    (
        "zh",
        "chat",
        """[微信] 老陈：家里WiFi密码«pw»，路由器后台 «ipint» 密码一样
""",
    ),
    (
        "zh",
        "email",
        """王经理您好：
附件是合同，我的银行账户«cnacct»，开户人«namezh»，联系电话«phone_cn»。
""",
    ),
    (
        "zh",
        "codes",
        """谷歌账号的备用码：«backupc»
""",
    ),
    (
        "zh",
        "form",
        """姓名：«namezh»  性别：女  出生日期：«dobzh»  证件号码：«cnid»
""",
    ),
    (
        "en",
        "resume",
        """CONTACT
«email» · «phone_us»
Born: «dob»
""",
    ),
    (
        "en",
        "bank",
        """IBAN: «iban»
BIC: DEUTDEFF
Reference: invoice «order»
""",
    ),
    (
        "en",
        "url",
        """webhook for alerts: https://hooks.slack.com/services/«slack_hook» (channel #ops)
""",
    ),
    (
        "en",
        "url",
        """https://«user»:«urlpw»@jenkins.example-corp.com/job/nightly/buildWithParameters?token=«token»
""",
    ),
    # ---------------------------------------------------------------- fourth batch
    (
        "en",
        "chat",
        """Here's the code I got: «otp6» — is it the right one?
""",
    ),
    (
        "en",
        "chat",
        """the code they sent me was «otp», but the app keeps saying expired
""",
    ),
    (
        "en",
        "otp",
        """Your Acme one-time code: OTP-«pid»-9«pin»
""".replace("OTP-«pid»-9«pin»", "«otp»"),
    ),
    (
        "zh",
        "bank",
        """卡号：«cnacct»，开户行：建设银行，持卡人«namezh»
""",
    ),
    (
        "en",
        "k8s",
        """apiVersion: v1
kind: Secret
type: Opaque
data:
  password: «secret»
  api-key: «secret»
""",
    ),
    (
        "en",
        "env",
        """AWS_SESSION_TOKEN=«token»«token»
AWS_REGION=us-east-1
""",
    ),
    (
        "en",
        "python",
        """openai.api_key = "«vendor»"
requests.post(url, auth=("«user»", "«pw»"))
""",
    ),
    (
        "zh",
        "chat",
        """[微信] 阿杰：VPN 账号 «user»，密码 «pw»，服务器 «ip»
""",
    ),
    (
        "en",
        "email",
        """Hello, please verify me: my SSN is «ssn», DOB «dob», and the last payment came from card «card».
""",
    ),
    (
        "en",
        "log",
        """«ts» ERROR stripe: No such customer; key used: «vendor»
""",
    ),
    # ---------------------------------------------------------------- fifth batch (Chinese pastes)
    (
        "zh",
        "chat",
        """[微信群] 运维小李：跳板机 «ipint»，账号 root，密码：«pw»
[微信群] 运维小李：别发到外面
""",
    ),
    (
        "zh",
        "chat",
        """你登录一下这个后台：用户名«email»，密码«pw»，进去帮我导一下订单
""",
    ),
    (
        "zh",
        "env",
        """# 数据库配置（测试服）
spring.datasource.url=jdbc:mysql://«ipint»:3306/shop?useSSL=false
spring.datasource.username=shop
spring.datasource.password=«pw»
""",
    ),
    (
        "zh",
        "otp",
        """【中国移动】您的短信验证码为：«otp»，请在5分钟内输入，工作人员不会向您索取。
""",
    ),
    (
        "zh",
        "otp",
        """尊敬的客户，您本次交易的动态密码为«otp6}，切勿泄露。
""".replace("}", "»"),
    ),
    (
        "zh",
        "codes",
        """家里的密码锁是«pin»，快递柜取件码«otp6»
""",
    ),
    (
        "zh",
        "bank",
        """转账信息：收款人«namezh»，收款账号：«cnacct»，开户行：农业银行，备注：房租
""",
    ),
    (
        "zh",
        "form",
        """学生信息：«namezh}，出生日期«dobzh}，家长电话«phone_cn}，身份证号«cnid}
""".replace("}", "»"),
    ),
    (
        "zh",
        "email",
        """您好，附件是简历。本人«namezh»，«dobzh»出生，电话«phone_cn»，邮箱«email»。
""",
    ),
    (
        "zh",
        "log",
        """«ts» [WARN] 用户 «email» 登录失败，来源 IP «ip»，设备 MAC «mac»
""",
    ),
    (
        "zh",
        "chat",
        """密钥给你：«vendor»，用完记得删
""",
    ),
    (
        "zh",
        "chat",
        """我们的企业微信机器人地址 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=«wecom_key» 发不了消息
""",
    ),
    (
        "zh",
        "otp",
        """您的谷歌验证码：G-«otp6»
""",
    ),
    (
        "zh",
        "codes",
        """Apple ID 恢复密钥：«backup»
""",
    ),
]


CLEAN: list[tuple[str, str, str]] = [
    (
        "en",
        "config",
        """server:
  host: 127.0.0.1
  port: 8080
  bind: 0.0.0.0
logging:
  level: info
""",
    ),
    (
        "en",
        "config",
        """# Listen on all interfaces
listen_addresses = '0.0.0.0'
# IPv6 loopback
host all all ::1/128 trust
host all all 127.0.0.0/8 trust
""",
    ),
    (
        "en",
        "code",
        """[assembly: AssemblyVersion("«version»")]
[assembly: AssemblyFileVersion("2.4.10.255")]
""",
    ),
    (
        "en",
        "code",
        """setup(
    name="widgets",
    version="«version»",
    packages=find_packages(),
)
""",
    ),
    (
        "en",
        "docs",
        """## Configuration

Set `DATABASE_URL=postgres://user:password@localhost:5432/mydb` and `API_KEY=<your-token>`.
For the key use `sk-...` from the dashboard, or `export TOKEN=${GITHUB_TOKEN}` in CI.
""",
    ),
    (
        "en",
        "docs",
        """Replace xxxx with your own key: `OPENAI_API_KEY=xxxx`. The password field defaults to `changeme`.
""",
    ),
    (
        "en",
        "trace",
        """ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)
""",
    ),
    (
        "en",
        "trace",
        """System.IO.FileLoadException: Could not load file or assembly 'Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'
""",
    ),
    (
        "en",
        "email",
        """Hi team,

The shipment left the warehouse on Monday. Tracking number «tracking» (UPS). Our bank's routing number is «routing»,
listed on the public website. The meeting moved to 3 pm in room 4.12.

Best, «name»
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  worker started pid=«pid» version=«version»
«ts» INFO  listening on http://127.0.0.1:8000
«ts» INFO  health check ok in 12ms
""",
    ),
    (
        "en",
        "docs",
        """To reset your password, click "Forgot password" on the sign-in page. We will never ask for your
password or verification code by phone. Passwords must be at least 12 characters long.
""",
    ),
    (
        "en",
        "code",
        """def check_password(password: str) -> bool:
    return len(password) >= MIN_PASSWORD_LENGTH and password != username

token = request.headers.get("Authorization")
api_key = os.environ["API_KEY"]
""",
    ),
    (
        "en",
        "chat",
        """lol the movie starts at 7:30, tickets were $12.50 each. Meet at gate 3?
""",
    ),
    (
        "en",
        "docs",
        """The function returns 0 on success and -1 on error. See RFC 7519 section 4.1.4 for the exp claim.
Version 1.2.3.4 fixed the crash on startup.
""",
    ),
    (
        "en",
        "log",
        """kernel: [ 12.345678] usb 1-1.4: new high-speed USB device number 5 using xhci_hcd
kernel: [ 12.456789] eth0: link up, 1000Mbps, full-duplex
""",
    ),
    (
        "en",
        "code",
        """const DEFAULT_TIMEOUT = 30000;
const PAGE_SIZE = 50;
const secretKey = process.env.SECRET_KEY;
const password = req.body.password;
""",
    ),
    (
        "en",
        "email",
        """Your order «order» has shipped and should arrive Thursday. Total charged: «amount».
Questions? Reply to this message.
""",
    ),
    (
        "en",
        "docs",
        """Backup codes are single-use codes you can use if you lose your phone. Generate them under
Settings > Security > Backup codes. Each code is 8 digits long.
""",
    ),
    (
        "en",
        "chat",
        """The verification code never arrived, I waited 10 minutes. Can you resend it?
""",
    ),
    (
        "en",
        "config",
        """[mysqld]
bind-address = 127.0.0.1
max_connections = 500
innodb_buffer_pool_size = 2G
""",
    ),
    (
        "en",
        "docs",
        """Example: `mysql -u root -p` then enter your password when prompted. Use `GRANT ALL ON db.* TO 'user'@'localhost' IDENTIFIED BY 'password';`
""",
    ),
    (
        "en",
        "code",
        """services:
  app:
    environment:
      - DB_PASSWORD=${DB_PASSWORD}
      - SECRET_KEY=${SECRET_KEY}
      - API_TOKEN=<your-token>
""",
    ),
    (
        "en",
        "log",
        """npm WARN deprecated request@2.88.2: request has been deprecated
added 1428 packages in 41.2s
""",
    ),
    (
        "en",
        "docs",
        """Call our help desk between 9 and 5. Our office is at 221 Main Street, Suite 400. PIN entry is
required at the ATM; never write your PIN on the card.
""",
    ),
    (
        "en",
        "code",
        """hosts:
  - 127.0.0.1 localhost
  - ::1 ip6-localhost ip6-loopback
""",
    ),
    (
        "en",
        "chat",
        """Revenue was up 12% in Q3 to 4.2 million; headcount 1,250. Next review on 2026-04-02.
""",
    ),
    (
        "en",
        "docs",
        """Use a strong password manager. Example format of a key: `AKIAXXXXXXXXXXXXXXXX` (do not use).
""",
    ),
    (
        "en",
        "log",
        """Successfully installed numpy-«version» pandas-2.2.3 torch-2.5.1+cu124
""",
    ),
    (
        "en",
        "code",
        """<add key="ClientValidationEnabled" value="true" />
<dependentAssembly>
  <assemblyIdentity name="System.Web.Mvc" publicKeyToken="31bf3856ad364e35" />
  <bindingRedirect oldVersion="0.0.0.0-5.2.7.0" newVersion="5.2.7.0" />
</dependentAssembly>
""",
    ),
    (
        "en",
        "chat",
        """My parcel «tracking» is stuck in customs since Tuesday, any idea?
""",
    ),
    (
        "zh",
        "docs",
        """忘记密码？请点击登录页的“找回密码”，我们不会通过电话索要您的验证码。
""",
    ),
    (
        "zh",
        "chat",
        """今天下午三点开会，地点在3楼会议室，大概一个小时。
""",
    ),
    (
        "zh",
        "log",
        """«ts» 服务启动成功，监听 127.0.0.1:8080，版本 «version»
""",
    ),
    (
        "zh",
        "docs",
        """配置说明：把 `password` 改成你自己的密码，`api_key` 填控制台里申请的密钥（形如 sk-...）。
""",
    ),
    (
        "zh",
        "chat",
        """这个月电费 268.5 元，水费 43 元，一共 311.5 元，我先付了。
""",
    ),
    (
        "zh",
        "docs",
        """验证码有效期为 5 分钟，请在收到后尽快输入。备用验证码可以在“账号安全”里生成。
""",
    ),
    (
        "zh",
        "chat",
        """快递单号«tracking}，说是明天到，到了告诉你。
""".replace("}", "»"),
    ),
    (
        "zh",
        "docs",
        """数据库配置示例：mysql://user:password@localhost:3306/test，请替换为实际值。
""",
    ),
    (
        "zh",
        "log",
        """[INFO] 构建完成，耗时 42.7 秒，产物版本 «version»，共 128 个文件。
""",
    ),
    (
        "zh",
        "chat",
        """我们下周三出发，先到杭州待两天，再去上海。
""",
    ),
    (
        "en",
        "docs",
        """Set the environment variable before running: `export HF_TOKEN=hf_xxx` (create one at Settings > Access Tokens).
""",
    ),
    (
        "en",
        "code",
        """ping -c 3 127.0.0.1
curl http://localhost:9200/_cluster/health
nc -zv 0.0.0.0 5432
""",
    ),
    (
        "en",
        "docs",
        """The OTP is 6 digits and expires after 30 seconds. If the code is invalid, check your phone's clock.
""",
    ),
    (
        "en",
        "chat",
        """Meeting ID 845 2291 0037 and the passcode is in the calendar invite, not here.
""",
    ),
    (
        "en",
        "code",
        """password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))
if not bcrypt.checkpw(candidate, password_hash):
    raise AuthError("invalid password")
""",
    ),
    (
        "en",
        "docs",
        """Webhooks: create one under Integrations > Incoming Webhooks; the URL looks like
https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
""",
    ),
    (
        "en",
        "log",
        """GET /api/items?page=2&limit=50&sort=created_at 200 14ms
GET /static/app.«version».js 304 2ms
""",
    ),
    (
        "en",
        "chat",
        """The build number is 20260115.3 and the ticket is JIRA-4821. Deploy window 22:00–23:00 UTC.
""",
    ),
    # ---------------------------------------------------------------- second batch: clean
    (
        "en",
        "code",
        """for pin in range(0, 40):
    GPIO.setup(pin, GPIO.OUT)  # pin 13 drives the LED
""",
    ),
    (
        "en",
        "docs",
        """Account numbers must be 8 to 12 digits. Example: enter your account number without dashes.
""",
    ),
    (
        "en",
        "chat",
        """I was born in 1990 and moved to Berlin in 2015. My birthday party is on Saturday!
""",
    ),
    (
        "en",
        "docs",
        """Passport photos must be 35 x 45 mm. Bring your passport and two photos to the appointment.
""",
    ),
    (
        "en",
        "code",
        """SELECT account_id, balance FROM accounts WHERE account_number = :account_number LIMIT 50;
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  cache key=user:«pid»:profile hit ratio 0.93
""",
    ),
    (
        "en",
        "code",
        """const token = await getToken();
const key = `${prefix}:${id}`;
headers["X-Api-Key"] = apiKey;
""",
    ),
    (
        "en",
        "code",
        """primary_key = "id"
sort_key = "created_at"
public_key = load_pem_public_key(data)
""",
    ),
    (
        "en",
        "docs",
        """Set `SECRET_KEY` to a long random string. Never commit it. See https://docs.djangoproject.com/en/5.0/ref/settings/#secret-key
""",
    ),
    (
        "en",
        "chat",
        """The door is the second on the left, code is on the sticky note I gave you.
""",
    ),
    (
        "en",
        "chat",
        """Order «order» total «amount», delivery between 14:00 and 16:00, gate 4.
""",
    ),
    (
        "en",
        "docs",
        """Backup codes: you have 10 left. Generate new ones if you run out.
""",
    ),
    (
        "en",
        "log",
        """«ts» ERROR Invalid verification code for user id «pid» (attempt 2 of 5)
""",
    ),
    (
        "en",
        "code",
        """if otp_code != expected_code:
    raise InvalidOTP("code mismatch")
""",
    ),
    (
        "en",
        "docs",
        """Use the format YYYY-MM-DD for dates, e.g. date of birth must be in the past.
""",
    ),
    (
        "en",
        "chat",
        """Our team won 3-1 last night, next match 2-0 hopefully. Score 4821 points in the app!
""",
    ),
    (
        "zh",
        "chat",
        """我的生日快到了，想请大家吃饭，时间定在周六晚上7点。
""",
    ),
    (
        "zh",
        "docs",
        """护照办理需要携带身份证原件和两张照片，工作日可以预约。
""",
    ),
    (
        "zh",
        "docs",
        """账号注册后请及时绑定手机，并设置登录密码和支付密码。
""",
    ),
    (
        "zh",
        "log",
        """[WARN] 登录失败次数过多，账号已锁定 30 分钟。
""",
    ),
    (
        "zh",
        "chat",
        """门禁坏了，物业说明天来修，先走侧门。
""",
    ),
    (
        "en",
        "config",
        """max_connections: 100
timeout_seconds: 30
retry_backoff: 2.5
listen: "[::]:8443"
""",
    ),
    (
        "en",
        "docs",
        """Sample webhook: https://discord.com/api/webhooks/{webhook.id}/{webhook.token}
""",
    ),
    (
        "en",
        "code",
        """password_min_length = 12
PASSWORD_RESET_TIMEOUT = 3600
token_type = "bearer"
""",
    ),
    (
        "en",
        "log",
        """Nov 12 03:14:07 gw01 sshd[«pid»]: Accepted publickey for deploy from 127.0.0.1 port 51234 ssh2
""",
    ),
    (
        "en",
        "docs",
        """Flight LH 401 departs 10:45 from gate B22; seat 14C. Baggage allowance 23 kg.
""",
    ),
    (
        "en",
        "chat",
        """ISBN 978-0-13-468599-1 is the second edition, page 412 has the diagram.
""",
    ),
    (
        "en",
        "code",
        """git commit -m "fix: bump version to «version»"
git tag v«version»
""",
    ),
    # ---------------------------------------------------------------- third batch: clean
    (
        "en",
        "trace",
        """Traceback (most recent call last):
  File "/app/main.py", line 12, in <module>
    main()
  File "/app/main.py", line 8, in main
    raise ValueError("invalid literal for int() with base 10: 'abc'")
ValueError: invalid literal for int() with base 10: 'abc'
""",
    ),
    (
        "en",
        "config",
        """[Unit]
Description=Web app
After=network.target
[Service]
ExecStart=/usr/bin/gunicorn -b 127.0.0.1:8000 app:app
Restart=always
""",
    ),
    (
        "en",
        "code",
        """def login(username: str, password: str) -> Session:
    user = db.query(User).filter_by(username=username).first()
    if user is None or not verify(password, user.password_hash):
        raise AuthError("invalid credentials")
""",
    ),
    (
        "en",
        "docs",
        """Create a token at https://huggingface.co/settings/tokens and run `huggingface-cli login`.
Paste it when prompted; it starts with hf_.
""",
    ),
    (
        "en",
        "email",
        """Hi all, reminder that the office will be closed on 2026-12-25. For urgent issues call the on-call
engineer via PagerDuty. Your password expires every 90 days.
""",
    ),
    (
        "en",
        "log",
        """«ts» INFO  GET /health 200 1ms
«ts» INFO  GET /metrics 200 4ms
«ts» WARN  slow query 1532ms: SELECT * FROM orders WHERE id = 4821
""",
    ),
    (
        "en",
        "code",
        """curl -X POST http://localhost:8080/api/login -H 'Content-Type: application/json' -d '{"username": "$USER", "password": "$PASS"}'
""",
    ),
    (
        "en",
        "docs",
        """To enable 2FA, scan the QR code with your authenticator app and enter the 6-digit code it shows.
""",
    ),
    (
        "en",
        "chat",
        """Can you send me the slides from Tuesday? Also the budget is 12,500 for Q1 and 14,000 for Q2.
""",
    ),
    (
        "en",
        "config",
        """{
  "name": "web",
  "version": "«version»",
  "scripts": {"start": "node server.js", "test": "jest"},
  "dependencies": {"express": "^4.19.2"}
}
""",
    ),
    (
        "zh",
        "chat",
        """[微信] 小王：明天早上九点在公司楼下集合，别迟到
[微信] 我：好的
""",
    ),
    (
        "zh",
        "docs",
        """为了账号安全，请不要把密码、验证码告诉任何人，客服不会向您索要。
""",
    ),
    (
        "zh",
        "log",
        """«ts} [INFO] 用户登录成功，耗时 35ms
«ts} [INFO] 订单创建成功，订单金额 128.00 元
""".replace("}", "»"),
    ),
    (
        "zh",
        "email",
        """各位同事：本周五下午三点在 5 楼开季度总结会，请准时参加。
""",
    ),
    (
        "en",
        "code",
        """export PATH="$HOME/.local/bin:$PATH"
export EDITOR=vim
alias ll='ls -la'
""",
    ),
    (
        "en",
        "docs",
        """Example .env:
DATABASE_URL=postgres://user:pass@localhost/db
SECRET_KEY=your-secret-key-here
""",
    ),
    # ---------------------------------------------------------------- fourth batch: clean
    (
        "en",
        "log",
        """commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f
Author: Dev Bot
Date:   Tue Mar 3 10:12:44 2026 +0100

    Fix race in cache key computation (#4821)
""",
    ),
    (
        "en",
        "config",
        """server {
    listen 80;
    server_name example.com;
    location / { proxy_pass http://127.0.0.1:3000; }
}
""",
    ),
    (
        "en",
        "code",
        """.button { color: #1a2b3c; padding: 12px 24px; border-radius: 4px; }
.card:hover { box-shadow: 0 2px 8px rgba(0,0,0,0.15); }
""",
    ),
    (
        "en",
        "log",
        """Pulling from library/postgres
Digest: sha256:4c5a1e2f3b6d7c8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e
Status: Downloaded newer image for postgres:16.2
""",
    ),
    (
        "en",
        "trace",
        """Segmentation fault at address 0x00007ffd5a3c2b10
#0  0x00005581c2d4e6f8 in main () at main.c:42
""",
    ),
    (
        "en",
        "code",
        """SELECT id, email_verified, created_at FROM users WHERE created_at > '2026-01-01' ORDER BY id LIMIT 100;
""",
    ),
    (
        "en",
        "docs",
        """The API returns 429 when you exceed 100 requests per minute. Retry after the number of seconds in Retry-After.
""",
    ),
    (
        "en",
        "code",
        """const KEY_ENTER = 13;
const KEY_ESCAPE = 27;
const TOKEN_EXPIRY_SECONDS = 3600;
""",
    ),
    (
        "en",
        "config",
        """requests==2.32.3
urllib3==2.2.2
certifi==2024.8.30
""",
    ),
    (
        "en",
        "docs",
        """Generate an SSH key with `ssh-keygen -t ed25519` and add the public key to your account.
""",
    ),
    (
        "zh",
        "docs",
        """请在“设置 > 安全”中开启两步验证，备用码请打印保存。
""",
    ),
    (
        "zh",
        "chat",
        """这次活动预算 3 万元，报名人数 128 人，下周二截止。
""",
    ),
    (
        "en",
        "chat",
        """Call me when you land! Flight UA 837, arriving 6:45 pm, terminal 3.
""",
    ),
    (
        "en",
        "code",
        """uuid = "4f1c2e8a-9b7d-4c3e-8a2f-1b6d5e9c7a30"
request_id = "req_8f2a9c1e"
""",
    ),
    # ---------------------------------------------------------------- fifth batch: clean (Chinese)
    (
        "zh",
        "docs",
        """请输入6位数字验证码，如未收到请60秒后重新获取。密码长度为8到16位，需包含字母和数字。
""",
    ),
    (
        "zh",
        "chat",
        """[微信] 妈妈：晚上回来吃饭吗？我买了2斤排骨，38块一斤。
[微信] 我：回，7点到
""",
    ),
    (
        "zh",
        "log",
        """«ts} [INFO] 定时任务执行完成，处理 1024 条记录，失败 0 条
""".replace("}", "»"),
    ),
    (
        "zh",
        "email",
        """各位好，系统将于本周六 22:00-24:00 升级，期间无法登录，请提前保存工作。
""",
    ),
    (
        "zh",
        "chat",
        """这家店的地址在3号楼2单元，营业时间 10:00-22:00，人均 80 元左右。
""",
    ),
    (
        "zh",
        "docs",
        """账号设置：在“我的-设置-账号与安全”中可以修改登录密码、绑定手机号和开启两步验证。
""",
    ),
    (
        "zh",
        "code",
        """# 从环境变量读取密码，不要写死
DB_PASSWORD = os.getenv("DB_PASSWORD")
SECRET_KEY = settings.SECRET_KEY
""",
    ),
]
