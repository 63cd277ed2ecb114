import { ComingSoon } from '../components/ComingSoon.js'
import { Section } from '../components/Section.js'

export function DkimSection() {
  return (
    <Section title="DKIM">
      <ComingSoon
        summary={
          <>
            Verify a received message’s DKIM signature locally: paste a message, drop a .eml file or open one,
            and Mailwarden checks whether the domain that signed it really did, without sending the message
            anywhere.
          </>
        }
        steps={[
          'Each signature checked step by step: the body hash, the signing key published in DNS, and the signature itself.',
          'Whether the signing domain matches the sender you see.',
          'A result in the standard words (pass, fail, neutral, temperror, permerror, none) and what a failure most likely means.',
        ]}
      />
    </Section>
  )
}
