import { describe, expect, it } from "vitest";
import { formatCommandText, parseCommandText } from "../../server/jobs/command-text";

describe("the seed's 【key】value command text", () => {
  it("parses the seed's http examples", () => {
    expect(parseCommandText("http", "【url】https://api.example.com/health\n【mode】GET")).toEqual({
      url: "https://api.example.com/health",
      method: "GET",
      headers: [],
      times: 1,
    });
    const post = parseCommandText(
      "http",
      '【url】https://api.example.com/sync\n【mode】POST\n【headers】Content-Type:application/json\n【data】{"action":"sync","timestamp":"2024-01-01"}',
    );
    expect(post).toMatchObject({
      method: "POST",
      headers: [["Content-Type", "application/json"]],
      data: '{"action":"sync","timestamp":"2024-01-01"}',
    });
    expect(
      parseCommandText(
        "http",
        "【url】https://x.test/a\n【headers】A:1|||Authorization:Bearer t:k\n【proxy】socks5://127.0.0.1:1080\n【times】3\n【result】success\n【cookies】sessionid=abc123; userid=456",
      ),
    ).toMatchObject({
      headers: [
        ["A", "1"],
        ["Authorization", "Bearer t:k"],
      ],
      proxy: "socks5://127.0.0.1:1080",
      times: 3,
      result: "success",
      cookies: "sessionid=abc123; userid=456",
    });
    // The seed's curl example gives a bare URL as the command.
    expect(parseCommandText("http", "https://httpbin.org/get").url).toBe("https://httpbin.org/get");
  });

  it("parses the seed's command and func examples", () => {
    expect(parseCommandText("command", "【command】./backup.sh\n【workdir】/opt/scripts")).toEqual({
      command: "./backup.sh",
      workdir: "/opt/scripts",
      env: {},
      shell: "auto",
    });
    expect(
      parseCommandText("command", "【command】echo $CUSTOM_VAR\n【env】CUSTOM_VAR=test_value|||DEBUG=true"),
    ).toMatchObject({
      env: { CUSTOM_VAR: "test_value", DEBUG: "true" },
    });
    expect(parseCommandText("command", "【command】long-running-script.sh\n【timeout】60").timeout).toBe(60);
    expect(parseCommandText("command", "find /tmp -name '*.tmp' -mtime +7 -delete").command).toBe(
      "find /tmp -name '*.tmp' -mtime +7 -delete",
    );
    expect(parseCommandText("func", "【name】Math\n【arg】+,100,50")).toEqual({
      name: "Math",
      args: ["+", "100", "50"],
    });
    expect(parseCommandText("func", "【name】Time\n【arg】2006-01-02 15:04:05")).toEqual({
      name: "Time",
      args: ["2006-01-02 15:04:05"],
    });
    expect(parseCommandText("func", "Dayin 1,hello,true")).toEqual({
      name: "Dayin",
      args: ["1", "hello", "true"],
    });
    expect(parseCommandText("func", "【name】Hello")).toEqual({ name: "Hello", args: [] });
  });

  it("prints params back to the same text (round trip)", () => {
    const texts: ["http" | "command" | "func", string][] = [
      [
        "http",
        '【url】https://api.example.com/sync\n【mode】POST\n【headers】Content-Type:application/json\n【data】{"a":1}',
      ],
      ["command", "【command】echo $CUSTOM_VAR\n【env】CUSTOM_VAR=test_value|||DEBUG=true\n【timeout】60"],
      ["func", "【name】Math\n【arg】+,10,5"],
    ];
    for (const [mode, text] of texts) {
      expect(formatCommandText(mode, parseCommandText(mode, text))).toBe(text);
    }
  });

  it("refuses bad text naming the key", () => {
    expect(() => parseCommandText("http", "【url】not a url")).toThrow(
      /【url】 must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => parseCommandText("http", "【mode】GET")).toThrow(/【url】/);
    expect(() => parseCommandText("http", "【url】https://x.test\n【mode】FETCH")).toThrow(
      /【mode】 must be one of GET/,
    );
    expect(() => parseCommandText("http", "【url】https://x.test\n【times】many")).toThrow(
      /【times】 must be a whole number/,
    );
    expect(() => parseCommandText("http", "【url】https://x.test\n【colour】red")).toThrow(
      /unknown key 【colour】 for http mode/,
    );
    expect(() => parseCommandText("command", "【command】ls\n【env】NOEQUALS")).toThrow(
      /variable "NOEQUALS" needs the form name=value/,
    );
    expect(() => parseCommandText("command", "【workdir】/tmp")).toThrow(/【command】/);
    expect(() => parseCommandText("func", "")).toThrow(/empty/);
    expect(() => parseCommandText("http", "【url】https://x.test\n【url】https://y.test")).toThrow(
      /given twice/,
    );
  });
});
