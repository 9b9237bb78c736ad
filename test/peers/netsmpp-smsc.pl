#!/usr/bin/perl
# An operator SMSC written with Perl's Net::SMPP (CPAN, Debian libnet-smpp-perl), for Chapar's
# SMPP client to meet a peer nobody here wrote. One process, one select loop, any number of binds.
#
#   perl netsmpp-smsc.pl [--port 0] [--system-id chapar --password secret] [--key value ...]
#
# Every behaviour below is a key, given on the command line (--submit-form hex-lower) or changed
# while it runs with a line on stdin ("set submit-form=decimal receipt-first=1"):
#
#   first-id N          the id counter's first value (default 100000)
#   submit-form F       how submit_sm_resp writes the id: decimal | padded (10 digits) | hex-lower | hex-upper
#   receipt-form F      how the receipt text writes it (default: as submit-form)
#   receipt-tlv 0|1     also send receipted_message_id (as in the submit answer) and message_state
#   receipt-first 0|1   send the deliver_sm receipt BEFORE the submit_sm_resp
#   resp-delay-ms N     with receipt-first: send the submit_sm_resp N ms after the receipt
#   stat S              the receipt's stat: DELIVRD (default), UNDELIV, EXPIRED …
#   hold-receipts 0|1   keep receipts until a "release" line
#   throttle-every N    answer every Nth submit_sm with ESME_RTHROTTLED (0x58); 0 = never
#   nack-every N        answer every Nth submit_sm with generic_nack; 0 = never
#   nack-status X       that generic_nack's command_status (default 0x08, ESME_RSYSERR)
#   unbind-after N      send unbind to the ESME once N submit_sm were accepted (once; 0 = never)
#
# Other stdin lines: "restart" (drop every connection, forget held receipts, ids from first-id
# again, as an SMSC that restarted), "unbind" (send unbind on every bind), "release", "quit".
#
# stdout, one event a line, flushed: "listening PORT", "bound SYSTEM_ID", "submit dest=D seq=S
# total=T ref=R status=0xXX id=ID" for every submit_sm received, "receipt id=ID dest=D",
# "deliver_resp status=0xXX", "unbind_sent", "unbind_resp", "closed", "restarted".
use strict;
use warnings;
use IO::Select;
use Time::HiRes qw(time);
use Net::SMPP;

$| = 1;
my %opt = (
  'port' => 0, 'host' => '127.0.0.1', 'system-id' => 'chapar', 'password' => 'secret',
  'first-id' => 100000, 'submit-form' => 'decimal', 'receipt-form' => '', 'receipt-tlv' => 0,
  'receipt-first' => 0, 'resp-delay-ms' => 0, 'stat' => 'DELIVRD', 'hold-receipts' => 0, 'throttle-every' => 0,
  'nack-every' => 0, 'nack-status' => '0x08', 'unbind-after' => 0,
);
while (@ARGV) {
  my $k = shift @ARGV;
  die "unknown argument $k\n" unless $k =~ /^--(.+)$/ && exists $opt{$1};
  $opt{$1} = shift @ARGV;
}

my $listener = Net::SMPP->new_listen($opt{host}, port => $opt{port}, async => 1, smpp_version => 0x34)
  or die "cannot listen: $!\n";
print 'listening ', $listener->sockport, "\n";

my $select = IO::Select->new($listener, \*STDIN);
my %sessions;        # fileno → { smpp, bound, unbinding, pending => { seq → receipt } }
my $next_id = $opt{'first-id'};
my $submits = 0;     # submit_sm received since start (throttle-every, nack-every count these)
my $accepted = 0;    # accepted since start (unbind-after)
my $unbound_once = 0;
my @held;            # receipts kept by hold-receipts
my @timers;          # [when, sub]

sub form {
  my ($n, $f) = @_;
  return sprintf('%010d', $n) if $f eq 'padded';
  return sprintf('%x', $n) if $f eq 'hex-lower';
  return sprintf('%X', $n) if $f eq 'hex-upper';
  return "$n";
}

sub stamp {
  my @t = localtime;
  return sprintf('%02d%02d%02d%02d%02d', $t[5] % 100, $t[4] + 1, $t[3], $t[2], $t[1]);
}

# Concatenation from the UDH (IE 0x00, 8-bit ref; IE 0x08, 16-bit ref): (ref, total, seq).
sub concat_of {
  my ($pdu) = @_;
  return (0, 1, 1) unless ($pdu->{esm_class} // 0) & 0x40;
  my $sm = $pdu->{short_message};
  my $udhl = ord(substr($sm, 0, 1));
  my $i = 1;
  while ($i < $udhl + 1) {
    my ($iei, $len) = unpack 'CC', substr($sm, $i, 2);
    return unpack('xxCCC', substr($sm, $i, 5)) if $iei == 0x00;
    return unpack('xxnCC', substr($sm, $i, 6)) if $iei == 0x08;
    $i += 2 + $len;
  }
  return (0, 1, 1);
}

sub close_session {
  my ($fd) = @_;
  my $s = delete $sessions{$fd} or return;
  $select->remove($s->{smpp});
  $s->{smpp}->close;
  # receipts it never acknowledged wait for the next bind
  push @held, values %{ $s->{pending} };
  print "closed\n";
}

sub send_receipt {
  my ($r) = @_;
  # to any bind that is up (a transceiver bind of the same system id); none: keep it
  my ($s) = grep { $_->{bound} && !$_->{unbinding} } values %sessions;
  unless ($s) { push @held, $r; return; }
  my $text = sprintf('id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:',
    $r->{text_id}, $r->{stat} eq 'DELIVRD' ? '001' : '000', stamp(), stamp(), $r->{stat}, $r->{stat} eq 'DELIVRD' ? '000' : '001');
  my @tlv = $r->{tlv} ? (receipted_message_id => "$r->{tlv_id}\0", 1063 => ($r->{stat} eq 'DELIVRD' ? 2 : 5)) : ();
  my $seq = $s->{smpp}->deliver_sm(
    source_addr => $r->{dest}, destination_addr => $r->{src}, esm_class => 0x04, data_coding => 0,
    short_message => $text, @tlv,
  );
  $s->{pending}{$seq} = $r;
  print "receipt id=$r->{text_id} dest=$r->{dest}\n";
}

sub on_submit {
  my ($s, $pdu) = @_;
  my $smpp = $s->{smpp};
  $submits++;
  my ($ref, $total, $part) = concat_of($pdu);
  my $line = "submit dest=$pdu->{destination_addr} seq=$part total=$total ref=$ref";
  my $status = 0;
  if ($s->{unbinding}) {
    $status = 0x04;    # ESME_RINVBNDSTS: we are leaving
  } elsif ($opt{'throttle-every'} && $submits % $opt{'throttle-every'} == 0) {
    $status = 0x58;
  } elsif ($opt{'nack-every'} && $submits % $opt{'nack-every'} == 0) {
    my $ns = hex($opt{'nack-status'});
    $smpp->generic_nack(seq => $pdu->{seq}, status => $ns);
    printf "%s status=0x%02x nack\n", $line, $ns;
    return;
  }
  if ($status) {
    $smpp->submit_sm_resp(seq => $pdu->{seq}, status => $status, message_id => '');
    printf "%s status=0x%02x\n", $line, $status;
    return;
  }
  my $n = $next_id++;
  my $id = form($n, $opt{'submit-form'});
  my $r = {
    text_id => form($n, $opt{'receipt-form'} || $opt{'submit-form'}), tlv_id => $id, tlv => $opt{'receipt-tlv'},
    dest => $pdu->{destination_addr}, src => $pdu->{source_addr}, stat => $opt{stat},
  };
  if (($pdu->{registered_delivery} // 0) & 1) {
    if ($opt{'hold-receipts'}) { push @held, $r; }
    elsif ($opt{'receipt-first'}) { send_receipt($r); }
  }
  if ($opt{'receipt-first'} && $opt{'resp-delay-ms'}) {
    # the answer comes well after the receipt, as from an SMSC whose receipts take another path
    my $fd = fileno($smpp);
    push @timers, [time + $opt{'resp-delay-ms'} / 1000, sub { $smpp->submit_sm_resp(seq => $pdu->{seq}, message_id => $id) if $sessions{$fd} }];
  } else {
    $smpp->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
  }
  print "$line status=0x00 id=$id\n";
  $accepted++;
  send_receipt($r) if ($pdu->{registered_delivery} // 0) & 1 && !$opt{'hold-receipts'} && !$opt{'receipt-first'};
  if ($opt{'unbind-after'} && !$unbound_once && $accepted >= $opt{'unbind-after'}) {
    $unbound_once = 1;
    send_unbind($s);
  }
}

sub send_unbind {
  my ($s) = @_;
  return if $s->{unbinding};
  $s->{unbinding} = 1;
  $s->{smpp}->unbind();
  print "unbind_sent\n";
  # an ESME that never answers is dropped
  my $fd = fileno($s->{smpp});
  push @timers, [time + 2, sub { close_session($fd) if $sessions{$fd} && $sessions{$fd} == $s }];
}

sub on_pdu {
  my ($fd) = @_;
  my $s = $sessions{$fd};
  my $smpp = $s->{smpp};
  my $pdu = $smpp->read_pdu() or return close_session($fd);
  my $cmd = $pdu->{cmd};
  if ($cmd == 0x00000009 || $cmd == 0x00000002 || $cmd == 0x00000001) {
    my $ok = $pdu->{system_id} eq $opt{'system-id'} && $pdu->{password} eq $opt{password};
    my $resp = $cmd == 0x09 ? 'bind_transceiver_resp' : $cmd == 0x02 ? 'bind_transmitter_resp' : 'bind_receiver_resp';
    $smpp->$resp(seq => $pdu->{seq}, status => ($ok ? 0 : 0x0e), system_id => 'netsmpp');
    if ($ok) { $s->{bound} = 1; print "bound $pdu->{system_id}\n"; flush_held(); }
  } elsif ($cmd == 0x00000004) {
    return $smpp->submit_sm_resp(seq => $pdu->{seq}, status => 0x04, message_id => '') unless $s->{bound};
    on_submit($s, $pdu);
  } elsif ($cmd == 0x80000005) {
    my $r = delete $s->{pending}{$pdu->{seq}};
    printf "deliver_resp status=0x%02x\n", $pdu->{status};
    # a temporary refusal: the SMSC tries again a little later
    push @timers, [time + 0.3, sub { send_receipt($r) }] if $r && $pdu->{status} != 0;
  } elsif ($cmd == 0x00000015) {
    $smpp->enquire_link_resp(seq => $pdu->{seq});
  } elsif ($cmd == 0x00000006) {
    $smpp->unbind_resp(seq => $pdu->{seq});
    close_session($fd);
  } elsif ($cmd == 0x80000006) {
    print "unbind_resp\n";
    close_session($fd);
  } elsif (!($cmd & 0x80000000)) {
    $smpp->generic_nack(seq => $pdu->{seq}, status => 0x03);
  }
}

# Receipts of a bind that went away go out on the next one (as an SMSC stores them).
sub flush_held {
  return if $opt{'hold-receipts'};
  my @r = @held;
  @held = ();
  send_receipt($_) for @r;
}

# stdin is read with sysread (select sees only the descriptor, not Perl's buffer), a line at a time.
my $stdin = '';
sub on_input {
  my $n = sysread(STDIN, $stdin, 4096, length $stdin);
  exit 0 unless $n;
  while ($stdin =~ s/^([^\n]*)\n//) { on_command($1); }
}

sub on_command {
  my ($line) = @_;
  if ($line =~ /^set\s+(.*)$/) {
    for my $kv (split ' ', $1) {
      my ($k, $v) = split /=/, $kv, 2;
      die "unknown key $k\n" unless exists $opt{$k};
      $opt{$k} = $v // '';
    }
    print "ok\n";
  } elsif ($line eq 'restart') {
    close_session($_) for keys %sessions;
    @held = ();
    @timers = ();
    $next_id = $opt{'first-id'};
    $submits = $accepted = $unbound_once = 0;
    print "restarted\n";
  } elsif ($line eq 'unbind') {
    send_unbind($_) for grep { $_->{bound} } values %sessions;
  } elsif ($line eq 'release') {
    $opt{'hold-receipts'} = 0;
    flush_held();
    print "ok\n";
  } elsif ($line eq 'quit') {
    exit 0;
  }
}

while (1) {
  @timers = sort { $a->[0] <=> $b->[0] } @timers;
  my $wait = @timers ? $timers[0][0] - time : 1;
  $wait = 0 if $wait < 0;
  for my $fh ($select->can_read($wait)) {
    if ($fh == $listener) {
      my $c = $listener->accept or next;
      $sessions{fileno($c)} = { smpp => $c, bound => 0, unbinding => 0, pending => {} };
      $select->add($c);
    } elsif (fileno($fh) == 0) {
      on_input();
    } else {
      on_pdu(fileno($fh)) if $sessions{fileno($fh)};
    }
  }
  while (@timers && $timers[0][0] <= time) { (shift @timers)->[1]->(); }
}
