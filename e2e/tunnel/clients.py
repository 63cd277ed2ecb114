"""Real mail clients from Python's standard library, run through a Mailwarden tunnel in plaintext.

usage: clients.py imap|pop3|smtp PORT USER PASSWORD [SUBJECT]
imap/pop3: log in and print the Subject lines of the messages; smtp: send one message with SUBJECT.
Exit 0 on success; any protocol error is a traceback and exit 1.
"""
import email
import imaplib
import poplib
import smtplib
import sys


def main() -> None:
    kind, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    if kind == "imap":
        with imaplib.IMAP4("127.0.0.1", port, timeout=10) as imap:
            print("CAPS", " ".join(imap.capabilities))
            imap.login(user, password)
            imap.select("INBOX", readonly=True)
            _, data = imap.search(None, "ALL")
            for num in data[0].split():
                _, parts = imap.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                print(parts[0][1].decode().strip())
            imap.logout()
    elif kind == "pop3":
        pop = poplib.POP3("127.0.0.1", port, timeout=10)
        print("CAPS", " ".join(pop.capa().keys()))
        pop.user(user)
        pop.pass_(password)
        count, _ = pop.stat()
        for i in range(1, count + 1):
            _, lines, _ = pop.retr(i)
            message = email.message_from_bytes(b"\r\n".join(lines))
            print("Subject:", message["Subject"])
        pop.quit()
    elif kind == "smtp":
        subject = sys.argv[5]
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.ehlo()
            print("CAPS", " ".join(smtp.esmtp_features.keys()))
            smtp.login(user, password)
            smtp.sendmail(
                user,
                [user],
                f"From: {user}\r\nTo: {user}\r\nSubject: {subject}\r\n\r\nsent through the tunnel\r\n",
            )
    else:
        raise SystemExit(f"unknown client {kind}")


if __name__ == "__main__":
    main()
