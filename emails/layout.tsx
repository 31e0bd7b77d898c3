import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export type EmailLayoutProps = {
  lang: string;
  preview: string;
  heading: string;
  footer: string;
  children: ReactNode;
};

/** The one frame every Kairos email shares: plain, readable in any client, no remote assets. */
export function EmailLayout({ lang, preview, heading, footer, children }: EmailLayoutProps) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Text style={brand}>Kairos</Text>
          <Heading as="h1" style={h1}>
            {heading}
          </Heading>
          <Section>{children}</Section>
          <Hr style={hr} />
          <Text style={muted}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

const font =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const body = { backgroundColor: "#f4f5f7", fontFamily: font, margin: 0, padding: "24px 0" };
const container = { backgroundColor: "#ffffff", borderRadius: 8, maxWidth: 640, padding: "24px 28px" };
const brand = { color: "#4f46e5", fontSize: 13, fontWeight: 700, letterSpacing: 1, margin: 0 };
const h1 = { color: "#111827", fontSize: 20, margin: "8px 0 16px" };
const hr = { borderColor: "#e5e7eb", margin: "24px 0 12px" };
export const muted = { color: "#6b7280", fontSize: 12, margin: 0 };
export const paragraph = { color: "#1f2937", fontSize: 14, lineHeight: "22px" };
export const pre = {
  backgroundColor: "#111827",
  borderRadius: 6,
  color: "#e5e7eb",
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  fontSize: 12,
  lineHeight: "18px",
  padding: 12,
  whiteSpace: "pre-wrap" as const,
  wordBreak: "break-all" as const,
};
