/** The small CSV reader datasets use: RFC 4180 quoting, CRLF, BOM, empty lines, and a line number for a broken quote. */
import * as assert from 'node:assert/strict';
import { CsvError, parseCsvRows } from '../../src/core/evaluation/csvRows';

describe('CSV rows', () => {
  const cases: Array<[string, string, string[][]]> = [
    ['plain', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF, BOM and empty lines', '\uFEFFa,b\r\n\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['quoted commas, quotes and newlines', 'a,b\n"x, y","say ""hi""\nthere"\n', [['a', 'b'], ['x, y', 'say "hi"\nthere']]],
    ['empty fields and a ragged row, no final newline', 'a,b,c\n,,\nonly', [['a', 'b', 'c'], ['', '', ''], ['only']]],
    ['an empty quoted field', '""\n', [['']]],
  ];
  for (const [name, text, rows] of cases) it(name, () => assert.deepEqual(parseCsvRows(text), rows));

  it('names the line of a quote that never closes, or text after one', () => {
    assert.throws(() => parseCsvRows('a\n"open\nmore'), (error: CsvError) => error.line === 2 && /never closed/.test(error.message));
    assert.throws(() => parseCsvRows('a\n"x"y'), (error: CsvError) => error.line === 2 && /after a closing quote/.test(error.message));
    assert.throws(() => parseCsvRows('a\nx"y'), (error: CsvError) => error.line === 2);
  });
});
