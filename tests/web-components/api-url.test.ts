import { describe, expect, it } from 'vitest';
import { resolveApiBase } from '../../web-components/api-client.js';

const school = 'https://ecole.example.fr/notre-air.html';

describe('finding the API from the widget script', () => {
  it('uses the server the widget script came from', () => {
    expect(resolveApiBase(null, 'https://souffle.example.org/widgets/souffle.js', school)).toBe(
      'https://souffle.example.org/api/v1',
    );
  });

  it('works from a lazily loaded chunk and under a path prefix', () => {
    expect(resolveApiBase(undefined, 'https://x.org/widgets/souffle-chart-AbC123xy.js', school)).toBe(
      'https://x.org/api/v1',
    );
    expect(resolveApiBase('', 'https://x.org/air/widgets/souffle.js', school)).toBe(
      'https://x.org/air/api/v1',
    );
  });

  it('lets the api attribute name a server, with or without /api/v1 and a trailing slash', () => {
    const module = 'https://souffle.example.org/widgets/souffle.js';
    expect(resolveApiBase('https://other.example.net', module, school)).toBe(
      'https://other.example.net/api/v1',
    );
    expect(resolveApiBase('https://other.example.net/api/v1/', module, school)).toBe(
      'https://other.example.net/api/v1',
    );
    expect(resolveApiBase('  http://127.0.0.1:8080/souffle?x=1  ', module, school)).toBe(
      'http://127.0.0.1:8080/souffle/api/v1',
    );
  });

  it('resolves a relative api attribute against the page', () => {
    expect(resolveApiBase('/', 'https://cdn.example/widgets/souffle.js', school)).toBe(
      'https://ecole.example.fr/api/v1',
    );
  });
});
