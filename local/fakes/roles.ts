/**
 * Role families: what a searched title implies about skills, Active Jobs DB taxonomies, O*NET
 * codes, team names and the English and German sentences a job ad is made of.
 *
 * @module
 */

/** Sentences in both languages a posting may be written in. */
export interface Bilingual {
  en: readonly string[];
  de: readonly string[];
}

/** What a family of titles has in common. */
export interface RoleFamily {
  id: string;
  /** Matched against the normalised searched title. */
  pattern: RegExp;
  skills: readonly string[];
  /** Active Jobs DB `ai_taxonomies_a` values, primary first. */
  taxonomies: readonly string[];
  /** O*NET-SOC code as JSearch prints it (`"15113200"`). */
  onetSoc: string;
  /** Team or focus names used in title variants and the ad. */
  teams: readonly string[];
  responsibilities: Bilingual;
  /** Qualifications; `{skill}` is replaced by one of the posting's skills. */
  qualifications: Bilingual;
}

const DATA: RoleFamily = {
  id: "data",
  pattern: /\b(data|analytics|analyst|bi|business intelligence|machine learning|ml|ai|scientist)\b/,
  skills: [
    "Python",
    "SQL",
    "Apache Spark",
    "Airflow",
    "dbt",
    "Snowflake",
    "Kafka",
    "BigQuery",
    "AWS",
    "Databricks",
    "Looker",
    "Terraform",
  ],
  taxonomies: ["Technology", "Data & Analytics"],
  onetSoc: "15124300",
  teams: [
    "Data Platform",
    "Analytics",
    "Marketplace Data",
    "Payments Data",
    "Data Foundations",
    "Machine Learning",
  ],
  responsibilities: {
    en: [
      "Design, build and operate reliable batch and streaming data pipelines",
      "Model data in the warehouse so analysts and data scientists can trust it",
      "Own data quality checks, lineage and monitoring for your domain",
      "Work with product and engineering teams to turn questions into data products",
      "Improve the performance and cost of our data platform",
      "Mentor colleagues and share knowledge through reviews and documentation",
    ],
    de: [
      "Du entwirfst, baust und betreibst zuverlässige Batch- und Streaming-Datenpipelines",
      "Du modellierst Daten im Data Warehouse, damit Analyst:innen ihnen vertrauen können",
      "Du verantwortest Datenqualität, Lineage und Monitoring in deiner Domäne",
      "Du arbeitest eng mit Produkt- und Engineering-Teams an neuen Datenprodukten",
      "Du verbesserst Performance und Kosten unserer Datenplattform",
      "Du teilst dein Wissen in Code-Reviews und Dokumentation",
    ],
  },
  qualifications: {
    en: [
      "Strong SQL and hands-on experience with {skill}",
      "Experience building pipelines with {skill} or similar tools",
      "A good understanding of data modelling and warehouse design",
      "Familiarity with {skill} in a cloud environment",
      "Clear communication with technical and non-technical colleagues",
    ],
    de: [
      "Sehr gute SQL-Kenntnisse und praktische Erfahrung mit {skill}",
      "Erfahrung im Aufbau von Pipelines mit {skill} oder vergleichbaren Tools",
      "Gutes Verständnis von Datenmodellierung und Data-Warehouse-Design",
      "Kenntnisse in {skill} in einer Cloud-Umgebung",
      "Sehr gute Deutsch- und Englischkenntnisse",
    ],
  },
};

const PLATFORM: RoleFamily = {
  id: "platform",
  pattern: /\b(devops|sre|site reliability|platform|cloud|infrastructure|systems)\b/,
  skills: [
    "Kubernetes",
    "Terraform",
    "AWS",
    "Google Cloud",
    "Linux",
    "Prometheus",
    "Grafana",
    "Go",
    "Python",
    "ArgoCD",
    "Helm",
  ],
  taxonomies: ["Technology", "Software"],
  onetSoc: "15124400",
  teams: [
    "Cloud Platform",
    "Developer Experience",
    "Infrastructure",
    "Reliability",
    "Core Platform",
  ],
  responsibilities: {
    en: [
      "Build and run the Kubernetes platform our product teams ship on",
      "Automate infrastructure with infrastructure-as-code and CI/CD pipelines",
      "Improve observability, alerting and incident response",
      "Take part in a fair on-call rotation and lead post-incident reviews",
      "Help teams design secure, cost-efficient cloud architectures",
    ],
    de: [
      "Du baust und betreibst die Kubernetes-Plattform unserer Produktteams",
      "Du automatisierst Infrastruktur mit Infrastructure as Code und CI/CD",
      "Du verbesserst Observability, Alerting und Incident Response",
      "Du nimmst an einer fairen Rufbereitschaft teil",
      "Du berätst Teams bei sicheren und kosteneffizienten Cloud-Architekturen",
    ],
  },
  qualifications: {
    en: [
      "Production experience with {skill} and {skill}",
      "Solid Linux and networking fundamentals",
      "Experience with {skill} for infrastructure as code",
      "A calm, structured approach to incidents",
    ],
    de: [
      "Praxiserfahrung mit {skill} und {skill} im produktiven Betrieb",
      "Fundierte Linux- und Netzwerkkenntnisse",
      "Erfahrung mit {skill} für Infrastructure as Code",
      "Eine ruhige, strukturierte Arbeitsweise auch im Störungsfall",
    ],
  },
};

const FRONTEND: RoleFamily = {
  id: "frontend",
  pattern: /\b(frontend|front-end|front end|react|web developer|angular|vue)\b/,
  skills: [
    "TypeScript",
    "React",
    "Next.js",
    "CSS",
    "GraphQL",
    "Jest",
    "Playwright",
    "Vue.js",
    "Storybook",
  ],
  taxonomies: ["Technology", "Software"],
  onetSoc: "15125400",
  teams: ["Checkout", "Web Platform", "Growth", "Design System", "Customer Experience"],
  responsibilities: {
    en: [
      "Build fast, accessible web interfaces used by millions of customers",
      "Work closely with designers and product managers from idea to release",
      "Contribute to our design system and front-end architecture",
      "Write well-tested code and review your colleagues' work",
    ],
    de: [
      "Du entwickelst schnelle, barrierefreie Web-Oberflächen für Millionen Kund:innen",
      "Du arbeitest eng mit Design und Produktmanagement zusammen",
      "Du gestaltest unser Design-System und die Frontend-Architektur mit",
      "Du schreibst gut getesteten Code und gibst Feedback in Code-Reviews",
    ],
  },
  qualifications: {
    en: [
      "Professional experience with {skill} and {skill}",
      "An eye for detail, accessibility and performance",
      "Experience testing UIs with {skill}",
      "Good English; German is a plus",
    ],
    de: [
      "Berufserfahrung mit {skill} und {skill}",
      "Ein Auge für Details, Barrierefreiheit und Performance",
      "Erfahrung mit UI-Tests, z. B. mit {skill}",
      "Gute Deutsch- und Englischkenntnisse",
    ],
  },
};

const SOFTWARE: RoleFamily = {
  id: "software",
  pattern: new RegExp(
    "\\b(engineer|engineering|developer|entwickler|programmer|architect|backend|fullstack|" +
      "full stack|software|mobile|ios|android)\\b",
  ),
  skills: [
    "Java",
    "Kotlin",
    "Go",
    "TypeScript",
    "Node.js",
    "PostgreSQL",
    "Docker",
    "Kubernetes",
    "AWS",
    "gRPC",
    "Spring Boot",
    "Python",
  ],
  taxonomies: ["Technology", "Software"],
  onetSoc: "15113200",
  teams: ["Payments", "Core Banking", "Search", "Logistics", "Identity", "Marketplace", "Mobile"],
  responsibilities: {
    en: [
      "Design, build and run services in production with your team",
      "Own features end to end, from technical design to monitoring",
      "Improve code quality, testing and engineering practices",
      "Collaborate with product managers and designers on what to build next",
      "Review code and mentor other engineers",
    ],
    de: [
      "Du entwickelst und betreibst Services gemeinsam mit deinem Team",
      "Du verantwortest Features von der technischen Konzeption bis zum Monitoring",
      "Du verbesserst Codequalität, Tests und Engineering-Praktiken",
      "Du arbeitest eng mit Produktmanagement und Design zusammen",
      "Du gibst Feedback in Code-Reviews und unterstützt andere Entwickler:innen",
    ],
  },
  qualifications: {
    en: [
      "Professional experience with {skill} or {skill}",
      "Experience designing APIs and working with {skill}",
      "Knowledge of distributed systems and cloud infrastructure",
      "A pragmatic attitude and care for the people using your software",
    ],
    de: [
      "Berufserfahrung mit {skill} oder {skill}",
      "Erfahrung im API-Design und mit {skill}",
      "Kenntnisse verteilter Systeme und Cloud-Infrastruktur",
      "Eine pragmatische Arbeitsweise und Freude an guter Software",
    ],
  },
};

const PRODUCT: RoleFamily = {
  id: "product",
  pattern: /\b(product manager|product owner|produktmanager|product lead|head of product)\b/,
  skills: [
    "Product discovery",
    "Roadmapping",
    "A/B testing",
    "Jira",
    "SQL",
    "Stakeholder management",
    "User research",
    "OKRs",
  ],
  taxonomies: ["Technology", "Management & Leadership"],
  onetSoc: "11202100",
  teams: ["Checkout", "Onboarding", "Growth", "Platform", "Merchant Experience"],
  responsibilities: {
    en: [
      "Own the roadmap of your product area and the outcomes it should reach",
      "Run discovery with customers, design and engineering",
      "Define clear problems, priorities and success metrics",
      "Communicate plans and results to stakeholders across the company",
    ],
    de: [
      "Du verantwortest die Roadmap deines Produktbereichs",
      "Du führst Product Discovery mit Kund:innen, Design und Engineering durch",
      "Du definierst klare Probleme, Prioritäten und Erfolgskennzahlen",
      "Du kommunizierst Pläne und Ergebnisse an Stakeholder im ganzen Unternehmen",
    ],
  },
  qualifications: {
    en: [
      "Experience as a product manager in a digital product company",
      "Confident with {skill} and {skill}",
      "Data-informed decision making; basic SQL is a plus",
      "Excellent written and spoken English",
    ],
    de: [
      "Erfahrung als Produktmanager:in in einem digitalen Unternehmen",
      "Sicherer Umgang mit {skill} und {skill}",
      "Datengetriebene Entscheidungen; SQL-Grundkenntnisse sind ein Plus",
      "Sehr gute Deutsch- und Englischkenntnisse",
    ],
  },
};

const DESIGN: RoleFamily = {
  id: "design",
  pattern: /\b(designer|design|ux|ui|researcher)\b/,
  skills: [
    "Figma",
    "User research",
    "Prototyping",
    "Design systems",
    "Interaction design",
    "Usability testing",
  ],
  taxonomies: ["Creative & Media", "Art & Design"],
  onetSoc: "27102400",
  teams: ["Design System", "Mobile App", "Onboarding", "Brand"],
  responsibilities: {
    en: [
      "Shape user journeys from research to polished interfaces",
      "Prototype and test ideas with real users",
      "Contribute to and evolve our design system",
    ],
    de: [
      "Du gestaltest Nutzerreisen von der Recherche bis zum fertigen Interface",
      "Du testest Prototypen mit echten Nutzer:innen",
      "Du entwickelst unser Design-System weiter",
    ],
  },
  qualifications: {
    en: [
      "A portfolio that shows your process",
      "Fluent in {skill} and {skill}",
      "Experience with {skill}",
    ],
    de: [
      "Ein Portfolio, das deinen Prozess zeigt",
      "Sicher in {skill} und {skill}",
      "Erfahrung mit {skill}",
    ],
  },
};

const MARKETING: RoleFamily = {
  id: "marketing",
  pattern: /\b(marketing|seo|content|growth|brand|social media|communications)\b/,
  skills: [
    "SEO",
    "Google Analytics",
    "Performance marketing",
    "HubSpot",
    "Content strategy",
    "Google Ads",
    "CRM",
  ],
  taxonomies: ["Marketing"],
  onetSoc: "11202100",
  teams: ["Performance Marketing", "Brand", "Lifecycle", "Content"],
  responsibilities: {
    en: [
      "Plan and run campaigns across paid and owned channels",
      "Analyse campaign performance and optimise budgets",
      "Work with sales and product on positioning and launches",
    ],
    de: [
      "Du planst und steuerst Kampagnen über bezahlte und eigene Kanäle",
      "Du analysierst die Performance und optimierst Budgets",
      "Du arbeitest mit Vertrieb und Produkt an Positionierung und Launches",
    ],
  },
  qualifications: {
    en: [
      "Experience with {skill} and {skill}",
      "Strong analytical skills",
      "Excellent writing in English",
    ],
    de: [
      "Erfahrung mit {skill} und {skill}",
      "Ausgeprägte analytische Fähigkeiten",
      "Stilsicheres Deutsch",
    ],
  },
};

const SALES: RoleFamily = {
  id: "sales",
  pattern:
    /\b(sales|account executive|account manager|business development|vertrieb|key account)\b/,
  skills: [
    "Salesforce",
    "Negotiation",
    "B2B sales",
    "Pipeline management",
    "CRM",
    "Consultative selling",
  ],
  taxonomies: ["Sales"],
  onetSoc: "41401200",
  teams: ["Enterprise", "Mid-Market", "DACH", "Partnerships"],
  responsibilities: {
    en: [
      "Own the full sales cycle from first call to signed contract",
      "Build a healthy pipeline and forecast accurately",
      "Grow long-term relationships with key customers",
    ],
    de: [
      "Du verantwortest den gesamten Vertriebszyklus bis zum Vertragsabschluss",
      "Du baust eine gesunde Pipeline auf und planst zuverlässig",
      "Du entwickelst langfristige Beziehungen zu Schlüsselkund:innen",
    ],
  },
  qualifications: {
    en: ["A track record in {skill}", "Experience with {skill}", "Business-fluent English"],
    de: [
      "Nachweisbare Erfolge im Bereich {skill}",
      "Erfahrung mit {skill}",
      "Verhandlungssicheres Deutsch",
    ],
  },
};

const PEOPLE: RoleFamily = {
  id: "people",
  pattern: /\b(recruiter|recruiting|hr|people|talent|personal|human resources)\b/,
  skills: ["Recruiting", "Employer branding", "Labour law", "Personio", "Workday", "Onboarding"],
  taxonomies: ["Human Resources"],
  onetSoc: "13107100",
  teams: ["Tech Recruiting", "People Operations", "Talent Acquisition"],
  responsibilities: {
    en: [
      "Run hiring processes end to end",
      "Advise managers on people topics",
      "Improve onboarding",
    ],
    de: [
      "Du steuerst Recruiting-Prozesse",
      "Du berätst Führungskräfte",
      "Du verbesserst das Onboarding",
    ],
  },
  qualifications: {
    en: ["Experience in {skill}", "Knowledge of {skill}", "Empathy and discretion"],
    de: ["Erfahrung im Bereich {skill}", "Kenntnisse in {skill}", "Empathie und Diskretion"],
  },
};

const FINANCE: RoleFamily = {
  id: "finance",
  pattern:
    /\b(finance|financial|accountant|accounting|controller|controlling|buchhalter|tax|treasury)\b/,
  skills: ["HGB", "IFRS", "Excel", "SAP FI", "DATEV", "Financial modelling", "Month-end closing"],
  taxonomies: ["Finance & Accounting"],
  onetSoc: "13201100",
  teams: ["Group Accounting", "FP&A", "Controlling", "Tax"],
  responsibilities: {
    en: [
      "Prepare monthly and annual closings",
      "Build reports and forecasts",
      "Improve finance processes",
    ],
    de: [
      "Du erstellst Monats- und Jahresabschlüsse",
      "Du erstellst Reportings",
      "Du optimierst Prozesse",
    ],
  },
  qualifications: {
    en: [
      "Solid knowledge of {skill} and {skill}",
      "Experience with {skill}",
      "A structured way of working",
    ],
    de: [
      "Fundierte Kenntnisse in {skill} und {skill}",
      "Erfahrung mit {skill}",
      "Strukturierte Arbeitsweise",
    ],
  },
};

const HEALTH: RoleFamily = {
  id: "health",
  pattern: /\b(nurse|pflege|doctor|arzt|ärztin|medical|therapist|physician|pharma)\b/,
  skills: ["Patient care", "Clinical documentation", "Hygiene standards", "Teamwork"],
  taxonomies: ["Healthcare"],
  onetSoc: "29114100",
  teams: ["Intensive Care", "Outpatient Care", "Clinical Operations"],
  responsibilities: {
    en: [
      "Provide safe, high-quality patient care",
      "Document care accurately",
      "Work in a multi-disciplinary team",
    ],
    de: [
      "Du sorgst für eine sichere Versorgung",
      "Du dokumentierst sorgfältig",
      "Du arbeitest im Team",
    ],
  },
  qualifications: {
    en: [
      "A recognised qualification and experience in {skill}",
      "Knowledge of {skill}",
      "Reliability",
    ],
    de: [
      "Eine anerkannte Ausbildung und Erfahrung in {skill}",
      "Kenntnisse in {skill}",
      "Zuverlässigkeit",
    ],
  },
};

const SUPPORT: RoleFamily = {
  id: "support",
  pattern: /\b(support|customer success|customer service|kundenservice|customer care)\b/,
  skills: ["Zendesk", "Customer communication", "Troubleshooting", "Salesforce", "Intercom"],
  taxonomies: ["Customer Service & Support"],
  onetSoc: "43405100",
  teams: ["Customer Care", "Merchant Support", "Customer Success"],
  responsibilities: {
    en: [
      "Help customers by chat, email and phone",
      "Solve problems and escalate well",
      "Share feedback",
    ],
    de: [
      "Du hilfst Kund:innen per Chat, E-Mail und Telefon",
      "Du löst Probleme",
      "Du gibst Feedback",
    ],
  },
  qualifications: {
    en: ["Experience with {skill}", "Clear, friendly communication", "Familiarity with {skill}"],
    de: ["Erfahrung mit {skill}", "Freundliche Kommunikation", "Kenntnisse in {skill}"],
  },
};

const GENERAL: RoleFamily = {
  id: "general",
  pattern: /./,
  skills: [
    "Project management",
    "Stakeholder management",
    "Microsoft Excel",
    "Communication",
    "Problem solving",
  ],
  taxonomies: ["Administrative"],
  onetSoc: "11102100",
  teams: ["Operations", "Business", "Central Services"],
  responsibilities: {
    en: [
      "Own projects from planning to delivery",
      "Coordinate with teams across the company",
      "Improve processes",
    ],
    de: [
      "Du verantwortest Projekte von der Planung bis zur Umsetzung",
      "Du koordinierst Teams",
      "Du optimierst Prozesse",
    ],
  },
  qualifications: {
    en: ["Experience in {skill}", "Confident with {skill}", "A hands-on mentality"],
    de: ["Erfahrung im Bereich {skill}", "Sicherer Umgang mit {skill}", "Hands-on-Mentalität"],
  },
};

/** Every family, most specific first; the last one matches any title. */
export const ROLE_FAMILIES: readonly RoleFamily[] = [
  PRODUCT,
  DATA,
  PLATFORM,
  FRONTEND,
  DESIGN,
  SOFTWARE,
  MARKETING,
  SALES,
  PEOPLE,
  FINANCE,
  HEALTH,
  SUPPORT,
  GENERAL,
];

/** The family of a normalised title (`"senior data engineer"` → data). */
export function roleFamilyOf(title: string): RoleFamily {
  return ROLE_FAMILIES.find((family) => family.pattern.test(title)) ?? GENERAL;
}

/** A benefit: the ad's wording, the JSearch `job_benefits` code and the English summary. */
export interface Benefit {
  code: string | null;
  en: string;
  de: string;
}

/** Benefits a posting may list. */
export const BENEFITS: readonly Benefit[] = [
  { code: "paid_time_off", en: "30 days of paid vacation", de: "30 Tage Urlaub" },
  {
    code: "health_insurance",
    en: "Private health insurance top-up",
    de: "Zusätzliche Krankenversicherung",
  },
  { code: "retirement_savings", en: "Company pension scheme", de: "Betriebliche Altersvorsorge" },
  { code: null, en: "Flexible working hours", de: "Flexible Arbeitszeiten" },
  {
    code: null,
    en: "Learning budget of 1,500 EUR per year",
    de: "Weiterbildungsbudget von 1.500 EUR im Jahr",
  },
  { code: null, en: "Public transport ticket", de: "Deutschlandticket" },
  { code: null, en: "Gym membership (Urban Sports Club)", de: "Urban-Sports-Club-Mitgliedschaft" },
  { code: null, en: "Visa and relocation support", de: "Unterstützung bei Visum und Umzug" },
  { code: "dental_coverage", en: "Dental coverage", de: "Zahnzusatzversicherung" },
  {
    code: null,
    en: "Up to 4 weeks of work from abroad",
    de: "Bis zu 4 Wochen Arbeiten aus dem Ausland",
  },
];
