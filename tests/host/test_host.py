"""test_host.py: `whosaid host` over pipes, with this test playing Neovim:
the answers to poll, version and bad requests; many messages in one write
and one message cut into single bytes; the calls the host makes to attach a
buffer; the highlights it sends after an edit, as one batched call; the
rules of re-entrancy (a request that arrives while the host waits for
Neovim is answered first); and a clean exit when the input ends."""

import sys
import unittest

sys.dont_write_bytecode = True
from host_support import SHORT_ARTICLE, Host, msgpack  # noqa: E402

ARTICLE = SHORT_ARTICLE
QUOTE_END = ARTICLE[4].encode().index('\u201d'.encode()) + 3  # the closing mark's end
MENTION = ARTICLE[4].encode().index(b'Pompeo')
MIKE = ARTICLE[2].encode().index(b'Mike')


class HostTestCase(unittest.TestCase):

    def setUp(self):
        self.host = Host('--debounce', '5')

    def tearDown(self):
        self.host.kill()

    def attach(self, buf=1, lines=ARTICLE, tick=2):
        """Attach BUF the way Neovim answers; returns the namespace id."""
        host = self.host
        attach_id = host.request('attach', buf)
        msgid, params = host.expect_request('nvim_create_namespace')
        self.assertEqual(params, ['whosaid'])
        host.respond(msgid, 7)
        msgid, params = host.expect_request('nvim_buf_attach')
        self.assertEqual(params[:2], [buf, True])
        host.respond(msgid, True)
        self.assertEqual(host.wait_response(attach_id), (None, True))
        host.send([2, 'nvim_buf_lines_event', [buf, tick, 0, -1, lines, False]])
        return 7

    def expect_update(self):
        """The batched highlight call: its (id, buffer, namespace, deletions, additions)."""
        msgid, params = self.host.expect_request('nvim_exec_lua')
        code, args = params
        self.assertIn('nvim_buf_set_extmark', code)
        buf, namespace, deletions, additions = args
        return msgid, buf, namespace, deletions, additions


class Protocol(HostTestCase):

    def test_poll_and_version(self):
        self.assertEqual(self.host.call('poll'), (None, 'ok'))
        error, result = self.host.call('version')
        self.assertIsNone(error)
        self.assertEqual(result['protocol'], 1)
        self.assertTrue(result['version'])

    def test_errors_are_answered_and_the_host_goes_on(self):
        error, _ = self.host.call('no_such_method')
        self.assertIn('unknown method', error[1])
        error, _ = self.host.call('attach', 'not a buffer')
        self.assertIn('buffer number', error[1])
        error, _ = self.host.call('quotes', 3)
        self.assertIn('buffer 3 is not attached', error[1])
        error, _ = self.host.call('speaker_of', 3)
        self.assertIn('arguments', error[1])
        self.host.send([7, 'what'])  # not a message at all, but msgpack
        self.host.send([0, 99, 42, []])  # a request whose method is no string
        error, _ = self.host.wait_response(99)
        self.assertIn('malformed', error[1])
        self.assertEqual(self.host.call('poll'), (None, 'ok'))

    def test_many_messages_in_one_write(self):
        data = b''.join(msgpack.packb([0, 1000 + i, 'poll', []]) for i in range(1000))
        self.host.send_bytes(data)
        for i in range(1000):
            self.assertEqual(self.host.wait_response(1000 + i), (None, 'ok'))

    def test_one_message_in_single_bytes(self):
        data = msgpack.packb([0, 5, 'poll', []])
        for byte in data:
            self.host.send_bytes(bytes([byte]))
        self.assertEqual(self.host.wait_response(5), (None, 'ok'))

    def test_end_of_input_is_a_clean_exit(self):
        self.assertEqual(self.host.call('poll'), (None, 'ok'))
        self.assertEqual(self.host.close(), 0)
        self.assertNotIn('error', self.host.stderr())

    def test_input_that_is_not_a_pipe_is_refused_with_a_reason(self):
        import subprocess
        from host_support import PROGRAM
        with open(__file__, 'rb') as not_a_pipe:
            result = subprocess.run([PROGRAM, 'host'], stdin=not_a_pipe, capture_output=True,
                                    timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b'must be pipes', result.stderr)

    def test_bytes_that_are_not_msgpack_end_it_with_a_reason(self):
        self.host.send_bytes(b'\xc1\xc1\xc1')
        self.assertNotEqual(self.host.close(), 0)
        self.assertIn('not msgpack-RPC', self.host.stderr())


class Buffers(HostTestCase):

    def test_attach_highlights_the_article_in_one_call(self):
        namespace = self.attach()
        msgid, buf, ns, deletions, additions = self.expect_update()
        self.assertEqual((buf, ns, deletions), (1, namespace, []))
        groups = {add[5] for add in additions if len(add) == 7}
        self.assertIn('WhoSaidQuote', groups)
        self.assertIn('WhoSaidSpeaker', groups)
        self.assertIn('WhoSaidPerson', groups)
        quote = [a for a in additions if len(a) == 7 and a[5] == 'WhoSaidQuote']
        self.assertEqual([q[1:5] for q in quote], [[4, 0, 4, QUOTE_END]])
        labels = [a[3] for a in additions if len(a) == 4]
        self.assertEqual(labels, ['\u2014 Mike Pompeo'])
        self.host.respond(msgid, 0)
        error, quotes = self.host.call('quotes', 1)
        self.assertIsNone(error)
        self.assertEqual(len(quotes), 1)
        self.assertEqual(quotes[0]['speaker'], 'Mike Pompeo')
        self.assertEqual(quotes[0]['range'], [4, 0, 4, QUOTE_END])
        self.assertEqual(quotes[0]['rule'], 'TRAILING_CUE')

    def test_one_label_for_one_speakers_quotes_that_end_on_one_line(self):
        lines = ['Secretary of State Mike Pompeo arrived in Berlin on Friday.', '',
                 '\u201cWe will speak openly,\u201d Pompeo said. \u201cWe will not back '
                 'down.\u201d', '',
                 '\u201cIt went well,\u201d Pompeo said, and \u201cit was fair,\u201d '
                 'said Foreign Minister Heiko Maas.']
        additions = self.host.attach_lines(1, lines)
        labels = sorted((a[1], a[3]) for a in additions if len(a) == 4)
        self.assertEqual(labels, [(2, '\u2014 Mike Pompeo'), (4, '\u2014 Heiko Maas'),
                                  (4, '\u2014 Mike Pompeo')])
        error, quotes = self.host.call('quotes', 1)
        self.assertEqual([q['speaker'] for q in quotes],
                         ['Mike Pompeo', 'Mike Pompeo', 'Mike Pompeo', 'Heiko Maas'])

    def test_an_edit_sends_only_the_difference(self):
        self.attach()
        msgid, _, _, _, first = self.expect_update()
        self.host.respond(msgid, 0)
        # Two lines inserted at the top: the marks move, none is new.
        self.host.send([2, 'nvim_buf_lines_event', [1, 3, 0, 0, ['Headline', ''], False]])
        msgid, _, _, deletions, additions = self.expect_update()
        self.host.respond(msgid, 0)
        # The headline's marks are redone (its row was edited); the rest stay.
        self.assertLess(len(deletions) + len(additions), len(first))
        error, quotes = self.host.call('quotes', 1)
        self.assertEqual(quotes[0]['range'], [6, 0, 6, QUOTE_END])

    def test_navigation_requests(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        error, result = self.host.call('speaker_of', 1, 4, 10)
        self.assertIsNone(error)
        self.assertEqual(result['speaker'], 'Mike Pompeo')
        self.assertEqual(result['mention'], [4, MENTION, 4, MENTION + 6])  # "Pompeo" at the cue
        self.assertEqual(result['named'], [4, MENTION, 4, MENTION + 6])  # the name itself
        self.assertLessEqual(result['first'][:2], [2, MIKE])  # no later than "Mike Pompeo"
        self.assertIsNone(self.host.call('speaker_of', 1, 2, 0)[1])  # not in a quote
        error, result = self.host.call('mentions_of', 1, 2, MIKE + 6)
        self.assertEqual((result['name'], result['type']), ('Mike Pompeo', 'PER'))
        self.assertGreaterEqual(len(result['ranges']), 2)
        error, result = self.host.call('quote_near', 1, 0, 0, 1)
        self.assertEqual((result['range'][:2], result['wrapped']), ([4, 0], False))
        error, result = self.host.call('quote_near', 1, 4, 5, 1)
        self.assertEqual((result['range'][:2], result['wrapped']), ([4, 0], True))
        error, result = self.host.call('quote_near', 1, 0, 0, 1, 'Nobody')
        self.assertIsNone(result)
        error, speakers = self.host.call('speakers', 1)
        self.assertEqual([s['name'] for s in speakers], ['Mike Pompeo'])
        self.assertEqual(speakers[0]['role'], 'Secretary of State')
        error, _ = self.host.call('speaker_of', 1, 99, 0)
        self.assertIn('past the end', error[1])

    def test_mentions_of_a_pronoun_is_its_speakers(self):
        lines = ['Mr. John Smith spoke first.', '', '"We will not back down," he said.']
        self.attach(lines=lines)
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        he = lines[2].index(' he ') + 1
        error, result = self.host.call('mentions_of', 1, 2, he)
        self.assertIsNone(error)
        self.assertEqual((result['name'], result['type']), ('John Smith', 'PER'))
        self.assertEqual(result['ranges'], [[0, 4, 0, 14], [2, he, 2, he + 2]])

    def test_mentions_of_lists_a_mention_two_quotes_share_once(self):
        lines = ['Mr. John Smith spoke first.', '',
                 '"We will not back down," he said, "not now and not ever."']
        self.attach(lines=lines)
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        error, quotes = self.host.call('quotes', 1)
        he = lines[2].index(' he ') + 1
        self.assertEqual([q['mention'] for q in quotes], [[2, he, 2, he + 2]] * 2)  # one "he"
        error, result = self.host.call('mentions_of', 1, 0, 6)
        self.assertEqual(result['ranges'], [[0, 4, 0, 14], [2, he, 2, he + 2]])

    def test_speaker_named_by_any_name_or_surname_whatever_the_case(self):
        lines = ['Secretary of State Mike Pompeo met Heiko Maas in Berlin on Friday.', '',
                 '"We will not back down," Pompeo said.', '',
                 '"Germany decides alone," said Maas, the German foreign minister.', '',
                 '"Enough is enough," said S\u00f8ren \u00d8rsted, a Danish diplomat.']
        self.attach(lines=lines)
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        named = lambda name: self.host.call('speaker_named', 1, name)[1]  # noqa: E731
        self.assertEqual(named('pompeo'), 'Mike Pompeo')
        self.assertEqual(named('MIKE POMPEO'), 'Mike Pompeo')
        self.assertEqual(named('MAAS'), 'Heiko Maas')
        self.assertEqual(named('\u00f8rsted'), 'S\u00f8ren \u00d8rsted')  # case beyond ASCII
        for nobody in ['Mike', 'Berlin', 'Pompe', 'Pompeo said', '', 'Nobody']:
            self.assertIsNone(named(nobody), nobody)
        # As the editor decided before it asked the host: a speaker whose
        # name, or one of whose mentions, is the name or ends with it.
        error, speakers = self.host.call('speakers', 1)
        error, entities = self.host.call('entities', 1)
        def expected(wanted):
            for speaker in speakers:
                names = [speaker['name']] + [e['text'] for e in entities
                                              if e['cluster'] == speaker['cluster']]
                if any(wanted.lower() in (n.lower(), n.split()[-1].lower()) for n in names):
                    return speaker['name']
            return None
        for entity in entities:
            for name in [entity['text'], entity['text'].split()[-1].upper()]:
                self.assertEqual(named(name), expected(name), name)
        error, _ = self.host.call('speaker_named', 1, 42)
        self.assertIn('must be a string', error[1])

    def test_names_are_the_speakers_then_the_people_and_organisations_once(self):
        lines = ['Secretary of State Mike Pompeo met Heiko Maas and Huawei in Berlin.', '',
                 '"We will not back down," Pompeo said.', '',
                 'Maas later wrote to Huawei and to Reuters.']
        self.attach(lines=lines)
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        error, names = self.host.call('names', 1)
        self.assertIsNone(error)
        listed = [n['name'] for n in names]
        self.assertEqual(names[0], {'name': 'Mike Pompeo', 'type': 'PER', 'speaker': True})
        self.assertEqual(len(listed), len(set(listed)), listed)  # each once
        self.assertIn('Heiko Maas', listed)  # its fullest name, not "Maas"
        self.assertNotIn('Maas', listed)
        self.assertNotIn('Berlin', listed)  # a place is no one to quote
        self.assertEqual([n['speaker'] for n in names], [True] + [False] * (len(names) - 1))
        # As the editor listed them before it asked the host.
        error, speakers = self.host.call('speakers', 1)
        error, entities = self.host.call('entities', 1)
        longest = {}
        for e in entities:
            if len(e['text'].encode()) > len(longest.get(e['cluster'], '').encode()):
                longest[e['cluster']] = e['text']
        longest.update({s['cluster']: s['name'] for s in speakers})
        expected = [s['name'] for s in speakers]
        for e in entities:
            name = longest[e['cluster']]
            if e['type'] in ('PER', 'ORG') and name not in expected:
                expected.append(name)
        self.assertEqual(listed, expected)
        self.assertIn('expected 1 to 1 arguments', self.host.call('names', 1, 2)[0][1])
        # entities(buf) names each mention the same way: "Maas" is Heiko Maas.
        self.assertEqual([e['name'] for e in entities], [longest[e['cluster']] for e in entities])
        self.assertIn(('Maas', 'Heiko Maas'), [(e['text'], e['name']) for e in entities])
        self.assertIn(('Pompeo', 'Mike Pompeo'), [(e['text'], e['name']) for e in entities])

    def test_summary_counts_the_last_analysis_without_analysing(self):
        self.host.kill()
        self.host = host = Host('--debounce', '10000')  # edits wait for a request
        self.assertIn('not attached', host.call('summary', 1)[0][1])
        self.attach()
        self.assertEqual(host.call_serving('analyze', 1)[:2], (None, True))

        def counts():
            return {'speakers': len(host.call('speakers', 1)[1]),
                    'quotes': len(host.call('quotes', 1)[1]),
                    'entities': len(host.call('entities', 1)[1])}

        before = counts()
        self.assertEqual(host.call('summary', 1), (None, dict(before, current=True)))
        # A quote typed: the summary is still the last analysis's, and asking
        # for it analysed nothing (quotes(buf) would have).
        host.send([2, 'nvim_buf_lines_event',
                   [1, 3, len(ARTICLE), len(ARTICLE), ['', '"We are quoted," she said.'], False]])
        self.assertEqual(host.call('summary', 1), (None, dict(before, current=False)))
        self.assertEqual(host.call('summary', 1), (None, dict(before, current=False)))
        self.assertEqual(host.call_serving('analyze', 1)[:2], (None, True))
        after = host.call('summary', 1)[1]
        self.assertEqual((after['quotes'], after['current']), (before['quotes'] + 1, True))
        self.assertEqual(dict(after, current=True), dict(counts(), current=True))

    def test_a_request_during_a_call_is_answered_first(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        self.host.send([2, 'nvim_buf_lines_event', [1, 3, 4, 5, ['"We will win," he said.'],
                                                    False]])
        analyze = self.host.request('analyze', 1)
        update, *_ = self.expect_update()  # the host now waits for Neovim
        self.assertEqual(self.host.call('poll'), (None, 'ok'))  # innermost first
        self.host.respond(update, 0)
        self.assertEqual(self.host.wait_response(analyze), (None, True))

    def test_an_edit_that_does_not_fit_reloads_the_buffer(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        # Lines 40-41 do not exist in the host's copy: it asks for the buffer.
        self.host.send([2, 'nvim_buf_lines_event', [1, 3, 40, 41, ['x'], False]])
        msgid, params = self.host.expect_request('nvim_buf_get_lines')
        self.assertEqual(params, [1, 0, -1, False])
        self.host.respond(msgid, ['"We are back in sync now," said Senator Smith.'])
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        self.assertEqual(self.host.call('quotes', 1)[1][0]['speaker'], 'Smith')

    def test_analyze_during_a_reload_answers_with_the_reloaded_highlights(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        self.host.send([2, 'nvim_buf_lines_event', [1, 3, 40, 41, ['x'], False]])
        reload, _ = self.host.expect_request('nvim_buf_get_lines')
        analyze = self.host.request('analyze', 1)  # before Neovim answers the reload
        self.host.respond(reload, ['"We are back in sync now," said Senator Smith.'])
        msgid, _, _, deletions, additions = self.expect_update()
        self.assertTrue(any(add[1] == 0 and add[-2] == 'WhoSaidQuote' for add in additions))
        self.host.respond(msgid, 0)
        self.assertEqual(self.host.wait_response(analyze), (None, True))

    def test_deleting_every_line_leaves_the_empty_line_neovim_keeps(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        # ":%delete": Neovim reports no line left, then edits the one there is.
        self.host.send([2, 'nvim_buf_lines_event', [1, 3, 0, len(ARTICLE), [], False]])
        self.host.send([2, 'nvim_buf_lines_event',
                        [1, 4, 0, 1, ['"We go on," said Senator Smith.', 'More.'], False]])
        error, result, _ = self.host.call_serving('analyze', 1)
        self.assertEqual((error, result), (None, True))
        self.assertEqual(self.host.call('quotes', 1)[1][0]['speaker'], 'Smith')
        self.assertNotIn('reloading', self.host.stderr())

    def test_nul_bytes_and_invalid_utf8_keep_rows_and_columns(self):
        # A NUL in the buffer arrives as "\n" inside a line (Neovim's way).
        lines = ['bad \udcff bytes', 'a\nb', '"We will not give up on this," said Smith.']
        self.attach(lines=[line.encode('utf-8', 'surrogateescape') for line in lines])
        # (sent as msgpack bin; Neovim sends str with the same bytes: both are read)
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        quotes = self.host.call('quotes', 1)[1]
        self.assertEqual(quotes[0]['range'][:2], [2, 0])
        self.assertEqual(quotes[0]['speaker'], 'Smith')

    def test_buffers_are_kept_apart(self):
        self.attach(buf=1)
        msgid, buf, *_ = self.expect_update()
        self.assertEqual(buf, 1)
        self.host.respond(msgid, 0)
        attach_id = self.host.request('attach', 2)  # the namespace exists now
        msgid, params = self.host.expect_request('nvim_buf_attach')
        self.assertEqual(params[0], 2)
        self.host.respond(msgid, True)
        self.assertEqual(self.host.wait_response(attach_id), (None, True))
        other = ['"Nothing is settled yet in this race," said Senator Smith.']
        self.host.send([2, 'nvim_buf_lines_event', [2, 2, 0, -1, other, False]])
        msgid, buf, *_ = self.expect_update()
        self.assertEqual(buf, 2)
        self.host.respond(msgid, 0)
        self.assertEqual(self.host.call('quotes', 1)[1][0]['speaker'], 'Mike Pompeo')
        self.assertEqual(self.host.call('quotes', 2)[1][0]['speaker'], 'Smith')
        self.host.send([2, 'nvim_buf_detach_event', [2]])  # the buffer was wiped out
        self.assertIn('not attached', self.host.call('quotes', 2)[0][1])
        self.assertEqual(self.host.call('quotes', 1)[1][0]['speaker'], 'Mike Pompeo')

    def test_detach_clears_and_forgets(self):
        self.attach()
        msgid, *_ = self.expect_update()
        self.host.respond(msgid, 0)
        detach = self.host.request('detach', 1)
        self.host.expect_request('nvim_buf_detach')
        msgid, params = self.host.expect_request('nvim_buf_clear_namespace')
        self.assertEqual(params, [1, 7, 0, -1])
        self.assertEqual(self.host.wait_response(detach), (None, True))
        error, _ = self.host.call('quotes', 1)
        self.assertIn('not attached', error[1])
        self.assertEqual(self.host.close(), 0)


if __name__ == '__main__':
    unittest.main(verbosity=2)
