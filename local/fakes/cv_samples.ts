/**
 * Sample CVs of five European job seekers, written in English and German as real CVs are, whose
 * searches overlap in part: two data engineers share Berlin (and "Data Engineer"), a data
 * engineer and a UX designer share Hamburg, a product manager in Munich shares that city with
 * the senior data engineer's past, and a remote-only backend contractor in Cologne shares no city.
 * Companies are invented.
 *
 * @module
 */
import type { SampleCv } from "./cv_pdf.ts";

/** The sample CVs by key; `local/samples/<key with dashes>.pdf` holds each rendered. */
export const SAMPLE_CVS: Readonly<Record<string, SampleCv>> = {
  senior_data_engineer_berlin: {
    name: "Lena Vogt",
    headline: "Senior Data Engineer",
    location: "Berlin, Deutschland",
    email: "lena.vogt@example.de",
    lang: "en",
    summary: "Senior data engineer with 9 years of experience building batch and streaming data " +
      "platforms for e-commerce and mobility. I design reliable pipelines with Spark, Kafka and " +
      "dbt and enjoy mentoring small teams. Looking for a full-time senior data engineering role " +
      "in Berlin (hybrid); open to remote work within Germany.",
    experience: [
      {
        title: "Senior Data Engineer",
        company: "Kiezkauf SE",
        city: "Berlin",
        from: "03/2021",
        to: "present",
        bullets: [
          "Led the migration of 40+ batch jobs from cron scripts to Airflow and dbt, cutting the " +
          "nightly runtime from 6 h to 90 min.",
          "Built a Kafka and Spark Structured Streaming pipeline for order events (25k events/s) " +
          "feeding Snowflake.",
          "Mentored three engineers; introduced data contracts and data-quality checks in CI.",
        ],
      },
      {
        title: "Data Engineer",
        company: "Spreeflow Mobility GmbH",
        city: "Berlin",
        from: "01/2018",
        to: "02/2021",
        bullets: [
          "Designed the trip data lake on AWS (S3, Glue, Athena) for 2 billion rides a year.",
          "Owned the GDPR deletion workflow across 30 data sets, audited twice without findings.",
        ],
      },
      {
        title: "Analytics Engineer",
        company: "Isarwerk Analytics GmbH",
        city: "München",
        from: "09/2015",
        to: "12/2017",
        bullets: [
          "Modelled sales and marketing data in SQL and built Looker dashboards for 200 users.",
          "Automated the monthly reporting with Python, saving two working days per month.",
        ],
      },
    ],
    education: [
      "M.Sc. Informatik, Technische Universität Berlin (2013 – 2015)",
      "B.Sc. Wirtschaftsinformatik, Universität Potsdam (2010 – 2013)",
    ],
    skills: [
      "Python",
      "SQL",
      "Apache Spark",
      "Kafka",
      "Airflow",
      "dbt",
      "Snowflake",
      "AWS",
      "Terraform",
      "Docker",
    ],
    languages: ["German (native)", "English (C1)", "Spanish (B1)"],
  },
  data_engineer_hamburg_berlin: {
    name: "Jonas Petersen",
    headline: "Data Engineer",
    location: "Hamburg, Deutschland",
    email: "jonas.petersen@example.de",
    lang: "de",
    summary: "Data Engineer mit 4 Jahren Erfahrung in Logistik und Fintech: Datenpipelines mit " +
      "Python, Airflow und BigQuery, vom Prototyp bis zum stabilen Betrieb. Ich suche eine " +
      "Festanstellung in Vollzeit als Data Engineer in Hamburg oder Berlin, hybrid oder remote.",
    experience: [
      {
        title: "Data Engineer",
        company: "Elbfracht Logistics GmbH",
        city: "Hamburg",
        from: "04/2022",
        to: "heute",
        bullets: [
          "Aufbau eines Airflow-Stacks mit 120 DAGs für Sendungs- und Lagerdaten; Laufzeitkosten " +
          "um 35 % gesenkt.",
          "Einführung von dbt und Datenqualitätstests für das Reporting an 14 Standorten.",
          "Streaming von Telematikdaten über Kafka nach BigQuery (Pub/Sub, Dataflow).",
        ],
      },
      {
        title: "Junior Data Engineer",
        company: "Alsterpay GmbH",
        city: "Hamburg",
        from: "10/2020",
        to: "03/2022",
        bullets: [
          "Entwicklung von ETL-Strecken in Python und SQL für Zahlungsdaten.",
          "Migration von 60 Cronjobs nach Cloud Composer; Monitoring mit Grafana.",
        ],
      },
      {
        title: "Werkstudent Data Analyst",
        company: "Kiezkauf SE",
        city: "Berlin",
        from: "04/2019",
        to: "09/2020",
        bullets: ["Dashboards in Looker und Ad-hoc-Analysen für das Category Management."],
      },
    ],
    education: ["B.Sc. Informatik, Universität Hamburg (2016 – 2020)"],
    skills: [
      "Python",
      "SQL",
      "Airflow",
      "dbt",
      "BigQuery",
      "Kafka",
      "Google Cloud",
      "Docker",
      "Grafana",
    ],
    languages: ["Deutsch (Muttersprache)", "Englisch (fließend)", "Dänisch (Grundkenntnisse)"],
  },
  product_manager_munich: {
    name: "Sophie Wagner",
    headline: "Senior Product Manager",
    location: "München, Deutschland",
    email: "sophie.wagner@example.de",
    lang: "de",
    summary: "Produktmanagerin mit 7 Jahren Erfahrung in B2B-SaaS und Mobility: Discovery, " +
      "Roadmaps und datengetriebene Priorisierung mit cross-funktionalen Teams. Ich suche eine " +
      "Vollzeitstelle als Senior Product Manager oder Product Lead in München, gern hybrid mit " +
      "zwei bis drei Bürotagen pro Woche.",
    experience: [
      {
        title: "Senior Product Manager",
        company: "Isarmobil GmbH",
        city: "München",
        from: "05/2022",
        to: "heute",
        bullets: [
          "Verantwortung für die Buchungs- und Payment-Journey (1,2 Mio. Nutzer:innen, 4 Teams).",
          "Conversion im Checkout um 18 % gesteigert durch Discovery-Interviews und A/B-Tests.",
          "OKR-Prozess für die Produktorganisation eingeführt.",
        ],
      },
      {
        title: "Product Manager",
        company: "Datenwerk Software AG",
        city: "Stuttgart",
        from: "02/2019",
        to: "04/2022",
        bullets: [
          "Roadmap und Pricing für ein B2B-Analytics-Produkt mit 300 Kunden.",
          "Enge Zusammenarbeit mit Vertrieb und Customer Success; NPS von 21 auf 43 verbessert.",
        ],
      },
      {
        title: "Product Owner",
        company: "Lechwerk Digital GmbH",
        city: "München",
        from: "08/2017",
        to: "01/2019",
        bullets: ["Scrum-Team mit 7 Entwickler:innen; Backlog, Sprint Reviews und Stakeholder."],
      },
    ],
    education: [
      "M.A. Management & Technology, Technische Universität München (2015 – 2017)",
      "B.Sc. Betriebswirtschaftslehre, Universität Mannheim (2012 – 2015)",
    ],
    skills: ["Product Discovery", "Roadmapping", "OKRs", "A/B Testing", "SQL", "Jira", "Figma"],
    languages: ["Deutsch (Muttersprache)", "Englisch (verhandlungssicher)", "Französisch (B2)"],
  },
  junior_ux_designer_hamburg: {
    name: "Mia Becker",
    headline: "Junior UX Designer",
    location: "Hamburg, Germany",
    email: "mia.becker@example.de",
    lang: "en",
    summary: "UX designer with 1 year of professional experience after a B.A. in Interaction " +
      "Design and two internships. I run user interviews and usability tests and turn the " +
      "findings into Figma prototypes and design-system components. Looking for a junior UX or " +
      "UI designer position in Hamburg, full-time or part-time (30 h), on-site or hybrid.",
    experience: [
      {
        title: "Junior UX Designer",
        company: "Hanseklick Digital GmbH",
        city: "Hamburg",
        from: "10/2025",
        to: "present",
        bullets: [
          "Redesigned the onboarding of a banking app; task success rose from 71 % to 89 %.",
          "Maintain 40 components of the Figma design system together with two developers.",
        ],
      },
      {
        title: "Working Student UX Researcher",
        company: "Elbe Health GmbH",
        city: "Hamburg",
        from: "04/2024",
        to: "09/2025",
        bullets: ["Planned and ran 25 user interviews and 6 usability tests for a telehealth app."],
      },
    ],
    education: ["B.A. Interaction Design, HAW Hamburg (2021 – 2025)"],
    skills: [
      "Figma",
      "User Research",
      "Usability Testing",
      "Prototyping",
      "Design Systems",
      "HTML/CSS",
    ],
    languages: ["German (native)", "English (C1)"],
  },
  backend_developer_cologne: {
    name: "Deniz Yılmaz",
    headline: "Sr. Backend Developer",
    location: "Köln, Germany",
    email: "deniz.yilmaz@example.de",
    lang: "en",
    summary: "Backend developer with 11 years of experience in Java, Kotlin and Go for payment " +
      "and e-commerce platforms. Available as a freelance contractor for fully remote projects " +
      "across Europe; no relocation.",
    experience: [
      {
        title: "Sr. Backend Developer",
        company: "Domblick Payments GmbH",
        city: "Köln",
        from: "2019",
        to: "present",
        bullets: [
          "Built the settlement service in Kotlin and Spring Boot (1.5 M transactions a day).",
          "Cut p99 latency of the payment API from 800 ms to 120 ms with caching and batching.",
        ],
      },
      {
        title: "Backend Developer",
        company: "Rheinmarkt AG",
        city: "Düsseldorf",
        from: "2015",
        to: "2019",
        bullets: [
          "Split a Java monolith into 12 services on Kubernetes; ran the on-call rotation.",
        ],
      },
      {
        title: "Java Developer",
        company: "Kontor Software GmbH",
        city: "Köln",
        from: "2013",
        to: "2015",
        bullets: ["Maintained order-management modules for 80 retail customers."],
      },
    ],
    education: ["Diplom-Informatiker (FH), Technische Hochschule Köln (2008 – 2013)"],
    skills: ["Java", "Kotlin", "Go", "Spring Boot", "PostgreSQL", "Kafka", "Kubernetes", "AWS"],
    languages: ["Turkish (native)", "German (native)", "English (C1)"],
  },
};
