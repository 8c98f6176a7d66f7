// Demo knowledge for the seeded tenants: written for this project, realistic enough that
// retrieval and answers can be judged on them.

export type SeedDocument = { key: string; title: string; category: string; tags: string[]; content: string };

export const acmeDocuments: SeedDocument[] = [
  {
    key: 'faq',
    title: 'Acme Pulse product FAQ',
    category: 'support',
    tags: ['faq', 'product'],
    content: `# Acme Pulse product FAQ

Acme Pulse watches your websites, APIs and scheduled jobs and tells you the moment something breaks, before your customers do.

## Monitoring

### What can Acme Pulse monitor?
Acme Pulse runs four kinds of checks: HTTP(S) checks that request a URL and verify the status code, response time and optionally a keyword in the body; TCP port checks; DNS record checks; and heartbeat checks for cron jobs and background workers, which alert when your job stops pinging us.

### How often are checks run?
On the Starter plan every check runs every 5 minutes. Growth runs checks every minute, and Business can run checks every 30 seconds. Each check is run from at least three regions (Frankfurt, Virginia and Singapore by default) so a single network blip never pages you.

### When is a monitor considered down?
A monitor is marked down only when two regions agree that the check failed twice in a row. You can change the confirmation rule per monitor under Monitor settings → Sensitivity.

### Do you support SSL certificate expiry checks?
Yes. Every HTTPS monitor also checks the certificate chain and warns you 30, 14 and 3 days before the certificate expires. The thresholds can be changed in Monitor settings → Certificates.

## Alerts and incidents

### Where can alerts be sent?
Alerts can go to email, SMS, Slack, Microsoft Teams, PagerDuty, Opsgenie and any webhook. Each monitor can route to different alert channels, and escalation policies can notify a second person if the first does not acknowledge within a set time.

### Can I pause alerts during maintenance?
Yes. Create a maintenance window under Incidents → Maintenance. Checks keep running during the window so your uptime history stays complete, but no alerts are sent and the status page shows the planned maintenance notice.

### What is a status page?
A status page is a public page, hosted by us on your own domain if you like, that shows the current state and 90-day uptime of the monitors you choose. Visitors can subscribe to incident updates by email.

## Account and security

### Is two-factor authentication supported?
Yes. Every user can turn on two-factor authentication with an authenticator app or a hardware security key under Profile → Security. Owners of Business and Enterprise accounts can require it for the whole team.

### Where is my data stored?
Monitoring data is stored in the EU (Frankfurt) by default. Enterprise customers can choose US data residency. Check results are kept for 13 months; raw response bodies are never stored.

### How do I export my data?
Go to Settings → Data export and choose CSV or JSON. Exports include every monitor, its settings and its check history for the period you choose. Large exports are emailed to you as a download link that expires after 7 days.
`,
  },
  {
    key: 'pricing',
    title: 'Acme Pulse pricing',
    category: 'sales',
    tags: ['pricing', 'billing'],
    content: `# Acme Pulse pricing

All plans include unlimited team members, a public status page and email alerts. Prices are in US dollars, billed monthly or yearly; yearly billing saves two months.

## Plans

### Starter: $19 per month
Starter includes 20 monitors with 5-minute check intervals, email and Slack alerts, one status page and 30 days of check history. It suits side projects and small teams getting started with monitoring.

### Growth: $79 per month
Growth includes 100 monitors with 1-minute check intervals, SMS alerts (100 messages a month included), Microsoft Teams, PagerDuty and Opsgenie integrations, three status pages with a custom domain, and 13 months of history.

### Business: $249 per month
Business includes 500 monitors with 30-second intervals, escalation policies, single sign-on with SAML, audit logs, required two-factor authentication and priority support with a 4-hour response time during business days.

### Enterprise: custom pricing
Enterprise adds unlimited monitors, US or EU data residency, a 99.99% uptime SLA for the Acme Pulse service, a dedicated account manager and invoicing by purchase order. Contact sales@acme.example to get a quote.

## Billing questions

### Is there a free trial?
Yes. Every plan can be tried free for 14 days, no credit card required. At the end of the trial you choose a plan; if you do nothing the account is paused, not deleted, for 30 days.

### What happens if I go over my monitor limit?
Nothing breaks: new monitors beyond your plan's limit are created paused, and we suggest the plan that fits. Extra SMS messages beyond the included amount cost $0.04 each.

### Can I change plans at any time?
Yes. Upgrades take effect immediately and are prorated to the day. Downgrades take effect at the end of the current billing period.

### Do you offer discounts?
Registered non-profits and open-source projects get 50% off Starter and Growth. Education customers get 30% off any plan. Write to billing@acme.example with proof of eligibility.

### How do refunds work?
Yearly plans can be refunded in full within 30 days of purchase. Monthly plans are not refunded, but you can cancel at any time and keep access until the end of the paid month.
`,
  },
  {
    key: 'getting-started',
    title: 'Getting started with Acme Pulse',
    category: 'onboarding',
    tags: ['guide', 'onboarding'],
    content: `# Getting started with Acme Pulse

This guide takes you from a new account to your first alert in about ten minutes.

## 1. Create your first monitor
Open Monitors and choose New monitor. Pick HTTP(S), paste the URL of your homepage and keep the default check interval. Under Expectations, keep "status code is 2xx" and optionally add a keyword that must appear on the page, such as your company name. Save the monitor: the first results appear within a minute.

## 2. Add your team
Go to Settings → Team and choose Invite. Enter your teammates' email addresses and pick a role for each: Owners manage billing and can delete the account, Admins manage monitors, alerts and status pages, and Viewers can only look. Invitations expire after 7 days.

## 3. Set up alert channels
Open Alerts → Channels. Email to every team member is on by default. To connect Slack, choose Add channel → Slack and approve the Acme Pulse app for the channel you want. For SMS, add each person's phone number in their profile and verify it with the code we send.

## 4. Create an escalation policy
Escalation policies decide who hears about an incident and when. A common setup is: notify the on-call engineer by SMS and Slack immediately, then notify the team lead by phone if nobody acknowledges within 10 minutes. Policies are under Alerts → Escalation.

## 5. Monitor your cron jobs with heartbeats
Create a Heartbeat monitor and copy its unique URL. Add a request to that URL at the end of your job, for example \`curl -fsS https://hb.acme.example/your-id\`. If the ping does not arrive within the expected period plus the grace time you set, Acme Pulse opens an incident.

## 6. Publish a status page
Open Status pages → New status page, choose which monitors to show and give the page a name. To use your own domain, add a CNAME record pointing status.yourdomain.com to pages.acme.example; we issue the TLS certificate automatically within a few minutes.

## Troubleshooting

### My monitor says down but the site works for me
Open the incident and look at the check results per region: the response shows the status code, timing and error for each attempt. Often a firewall or bot protection blocks our regions; allow the IP ranges listed under Settings → Network, or add the header X-Acme-Pulse to your allow-list.

### I am not receiving alert emails
Check the spam folder and add alerts@acme.example to your contacts. Under Alerts → Delivery log you can see every alert we sent and whether your mail server accepted it.
`,
  },
];

export const globexDocuments: SeedDocument[] = [
  {
    key: 'returns',
    title: 'Globex returns and shipping policy',
    category: 'support',
    tags: ['returns', 'shipping'],
    content: `# Globex returns and shipping policy

## Shipping
Orders placed before 2 p.m. Central Time ship the same business day. Standard shipping takes 3 to 5 business days and is free on orders over $50. Express shipping takes 1 to 2 business days and costs $12.

## Returns
Unused items can be returned within 60 days of delivery for a full refund. Start a return from Orders → Return items; we email a prepaid label. Refunds reach the original payment method within 5 business days after the item arrives at our warehouse.

## Damaged items
If an item arrives damaged, send a photo to care@globex.example within 14 days and we ship a replacement at no cost, without needing the damaged item back.
`,
  },
];
