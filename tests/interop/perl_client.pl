#!/usr/bin/perl
# Perl's RPC::XML::Client against the Rust `interop_server` example.
#
# Usage: perl_client.pl URL      (URL as the server's `listening on` line prints it)
#
# Every case prints one JSON line {"case", "status": "pass" | "fail" | "n/a", "detail"};
# the Rust test (tests/tests/interop_perl.rs) asserts each case by name.
use strict;
use warnings;
use utf8;

use JSON::PP ();
use RPC::XML ();
use RPC::XML::Client ();

$RPC::XML::ALLOW_NIL = 1;
binmode STDOUT, ':encoding(UTF-8)';

my $url = shift @ARGV or die "usage: $0 URL\n";
$url =~ s{/?$}{/RPC2};
my $client = RPC::XML::Client->new($url, timeout => 30)
    or die "cannot create a client for $url\n";
my $json = JSON::PP->new->canonical->ascii;

sub report {
    my ($case, $status, $detail) = @_;
    print $json->encode({ case => $case, status => $status, detail => $detail }), "\n";
}

# Calls $method; returns the RPC::XML value object of the answer (a fault is an
# RPC::XML::fault object); dies with the transport error text.
sub call {
    my ($method, @args) = @_;
    my $res = $client->send_request($method, @args);
    die "transport error calling $method: $res\n" unless ref $res;
    return $res;
}

sub value_of {
    my ($method, @args) = @_;
    my $res = call($method, @args);
    die sprintf("%s answered fault %d %s\n", $method, $res->code, $res->string) if $res->is_fault;
    return $res;
}

sub expect_fault {
    my ($code, $method, @args) = @_;
    my $res = call($method, @args);
    die "$method answered " . $json->encode([$res->value]) . ", not a fault\n" unless $res->is_fault;
    die sprintf("%s: fault code %d, want %d (%s)\n", $method, $res->code, $code, $res->string)
        unless $res->code == $code;
    return $res;
}

sub check {
    my ($cond, $what) = @_;
    die "$what\n" unless $cond;
}

sub run_case {
    my ($case, $code) = @_;
    my $detail = eval { $code->() };
    if ($@) {
        my $err = $@;
        chomp $err;
        report($case, 'fail', $err);
    }
    else {
        report($case, 'pass', $detail // '');
    }
}

# Deep equality of native Perl data: numbers compare numerically, everything else as strings.
sub deep_eq {
    my ($x, $y) = @_;
    return !defined $y if !defined $x;
    return 0 if !defined $y;
    if (ref $x eq 'ARRAY') {
        return 0 unless ref $y eq 'ARRAY' && @$x == @$y;
        for my $i (0 .. $#$x) { return 0 unless deep_eq($x->[$i], $y->[$i]) }
        return 1;
    }
    if (ref $x eq 'HASH') {
        return 0 unless ref $y eq 'HASH' && keys %$x == keys %$y;
        for my $k (keys %$x) { return 0 unless exists $y->{$k} && deep_eq($x->{$k}, $y->{$k}) }
        return 1;
    }
    return 0 if ref $y;
    my $num = qr/^-?\d+(?:\.\d+)?$/;
    return $x == $y if $x =~ $num && $y =~ $num;
    return $x eq $y;
}

# RPC::XML names a received <i4> `i4` and a received <int> `int`: both are the 32-bit type.
sub same_type {
    my ($got, $want) = @_;
    my %norm = (i4 => 'int');
    return ($norm{$got} // $got) eq ($norm{$want} // $want);
}

# echo of one value: the reply must have the same XML-RPC type and the same value
sub echo_same {
    my ($value, $type, $want) = @_;
    my $res = value_of('interop.echo', $value);
    check(same_type($res->type, $type), sprintf('echo of %s came back as %s', $type, $res->type));
    my $got = $res->value;
    check(
        deep_eq($got, $want),
        sprintf('echo of %s: %s, want %s', $type, $json->encode([$got]), $json->encode([$want]))
    );
    return $res;
}

run_case('echo_int', sub {
    echo_same(RPC::XML::int->new(-31), 'int', -31);
    echo_same(RPC::XML::int->new(2147483647), 'int', 2147483647);
    'int'
});
run_case('echo_i8', sub {
    echo_same(RPC::XML::i8->new('9007199254740993'), 'i8', '9007199254740993');
    echo_same(RPC::XML::i8->new('-9223372036854775808'), 'i8', '-9223372036854775808');
    echo_same(RPC::XML::i8->new(5), 'i8', 5);
    'i8 kept as i8, full range'
});
run_case('echo_boolean', sub {
    echo_same(RPC::XML::boolean->new(1), 'boolean', 1);
    echo_same(RPC::XML::boolean->new(0), 'boolean', 0);
    'boolean'
});
run_case('echo_string', sub {
    echo_same(RPC::XML::string->new(q{a<b & c>d "q" 'a'}), 'string', q{a<b & c>d "q" 'a'});
    echo_same(RPC::XML::string->new(''), 'string', '');
    echo_same(RPC::XML::string->new("é ✓ 中 😀"), 'string', "é ✓ 中 😀");
    echo_same(RPC::XML::string->new('  padded  '), 'string', '  padded  ');
    'string: markup characters, empty, unicode, spaces'
});
run_case('echo_double', sub {
    for my $d (3.5, -0.25, 0.1, 123456789.0) {
        my $res = value_of('interop.echo', RPC::XML::double->new($d));
        check($res->type eq 'double', 'type ' . $res->type);
        check($res->value == $d, "double $d came back as " . $res->value);
    }
    'double'
});
run_case('echo_datetime', sub {
    echo_same(RPC::XML::datetime_iso8601->new('19980717T14:08:55'), 'dateTime.iso8601', '19980717T14:08:55');
    'dateTime.iso8601'
});
run_case('echo_base64', sub {
    my $bytes = join '', map { chr } 0 .. 255;
    echo_same(RPC::XML::base64->new($bytes), 'base64', $bytes);
    echo_same(RPC::XML::base64->new("you can't read this!"), 'base64', "you can't read this!");
    'base64, all byte values'
});
run_case('echo_nil', sub {
    my $res = value_of('interop.echo', RPC::XML::nil->new());
    check($res->type eq 'nil', 'type ' . $res->type);
    check(!defined $res->value, 'nil value defined');
    'nil'
});
run_case('echo_struct_array', sub {
    my $v = RPC::XML::struct->new({
        lowerBound => RPC::XML::int->new(18),
        upperBound => RPC::XML::nil->new(),
        list => RPC::XML::array->new(RPC::XML::int->new(12), RPC::XML::string->new('Egypt'),
            RPC::XML::boolean->new(0), RPC::XML::i8->new('4294967296')),
        inner => RPC::XML::struct->new({ deeper => RPC::XML::array->new(RPC::XML::array->new()) }),
    });
    my $res = value_of('interop.echo', $v);
    check($res->type eq 'struct', 'type ' . $res->type);
    check($res->{list}->[3]->type eq 'i8', 'i8 inside an array came back as ' . $res->{list}->[3]->type);
    my $want = { lowerBound => 18, upperBound => undef, list => [12, 'Egypt', 0, 4294967296],
        inner => { deeper => [[]] } };
    check(deep_eq($res->value, $want), 'struct: ' . $json->encode($res->value));
    'nested struct and array with nil and i8'
});
run_case('add', sub {
    my $res = value_of('interop.add', RPC::XML::int->new(5), RPC::XML::int->new(10));
    check(same_type($res->type, 'int') && $res->value == 15, 'add(5, 10) = ' . $res->type . ' ' . $res->value);
    $res = value_of('interop.add', RPC::XML::int->new(2147483647), RPC::XML::int->new(1));
    check($res->type eq 'i8' && $res->value == 2147483648, 'add(2**31-1, 1) = ' . $res->type . ' ' . $res->value);
    'i4 result inside 32 bits, i8 outside'
});
run_case('fault_user', sub {
    my $res = expect_fault(4, 'interop.fault', RPC::XML::int->new(4), RPC::XML::string->new('Too many parameters.'));
    check($res->string eq 'Too many parameters.', 'faultString ' . $res->string);
    $res = expect_fault(-1, 'interop.fault', RPC::XML::int->new(-1), RPC::XML::string->new('<&> é'));
    check($res->string eq '<&> é', 'faultString ' . $res->string);
    'exact code and string'
});
run_case('fault_reserved', sub {
    expect_fault(-32601, 'nosuch.method');
    expect_fault(-32602, 'interop.add', RPC::XML::int->new(1));
    expect_fault(-32602, 'interop.add', RPC::XML::string->new('a'), RPC::XML::string->new('b'));
    expect_fault(-32603, 'interop.panic');
    check(value_of('interop.ping')->value eq 'pong', 'server keeps serving');
    '-32601, -32602, -32603'
});
run_case('multicall', sub {
    my $calls = RPC::XML::array->new(
        RPC::XML::struct->new({ methodName => 'interop.add',
            params => RPC::XML::array->new(RPC::XML::int->new(2), RPC::XML::int->new(3)) }),
        RPC::XML::struct->new({ methodName => 'nosuch', params => RPC::XML::array->new() }),
        RPC::XML::struct->new({ methodName => 'interop.fault',
            params => RPC::XML::array->new(RPC::XML::int->new(7), RPC::XML::string->new('fails')) }),
        RPC::XML::struct->new({ methodName => 'interop.echo',
            params => RPC::XML::array->new(RPC::XML::struct->new({ a => RPC::XML::int->new(1) })) }),
    );
    my $r = value_of('system.multicall', $calls)->value;
    check(ref $r eq 'ARRAY' && @$r == 4, 'multicall result ' . $json->encode($r));
    check(deep_eq($r->[0], [5]), 'entry 0 ' . $json->encode($r->[0]));
    check(ref $r->[1] eq 'HASH' && $r->[1]{faultCode} == -32601, 'entry 1 ' . $json->encode($r->[1]));
    check($r->[2]{faultCode} == 7 && $r->[2]{faultString} eq 'fails', 'entry 2 ' . $json->encode($r->[2]));
    check(deep_eq($r->[3], [{ a => 1 }]), 'entry 3 ' . $json->encode($r->[3]));
    my $empty = value_of('system.multicall', RPC::XML::array->new())->value;
    check(ref $empty eq 'ARRAY' && !@$empty, 'empty multicall');
    'results wrapped, per-entry faults, empty multicall'
});
run_case('introspection', sub {
    my $methods = value_of('system.listMethods')->value;
    my %have = map { $_ => 1 } @$methods;
    for my $m (qw(interop.echo interop.add system.multicall system.methodHelp
        system.methodSignature validator1.manyTypesTest)) {
        check($have{$m}, "listMethods lacks $m");
    }
    my $help = value_of('system.methodHelp', RPC::XML::string->new('interop.add'));
    check($help->type eq 'string' && length $help->value, 'methodHelp ' . $help->value);
    my $sig = value_of('system.methodSignature', RPC::XML::string->new('interop.add'))->value;
    check(ref $sig eq 'ARRAY' && ref $sig->[0] eq 'ARRAY' && @{ $sig->[0] } == 3,
        'methodSignature ' . $json->encode($sig));
    my $caps = value_of('system.getCapabilities')->value;
    check($caps->{faults_interop}{specVersion} == 20010516, 'getCapabilities ' . $json->encode($caps));
    scalar(@$methods) . ' methods; signature of interop.add ' . $json->encode($sig)
});
run_case('validator1', sub {
    my $s = sub { RPC::XML::struct->new({ map { $_ => RPC::XML::int->new($_[0]{$_}) } keys %{ $_[0] } }) };
    my $r = value_of('validator1.arrayOfStructsTest', RPC::XML::array->new(
        $s->({ moe => 1, larry => 2, curly => 3 }), $s->({ moe => -98, larry => 23, curly => -6 })))->value;
    check($r == -3, "arrayOfStructsTest = $r");
    $r = value_of('validator1.countTheEntities', RPC::XML::string->new(q{<<<>>&''"""}))->value;
    check(deep_eq($r, { ctLeftAngleBrackets => 3, ctRightAngleBrackets => 2, ctAmpersands => 1,
            ctApostrophes => 2, ctQuotes => 3 }),
        'countTheEntities ' . $json->encode($r));
    $r = value_of('validator1.easyStructTest', $s->({ moe => 13, larry => 7, curly => 11 }))->value;
    check($r == 31, "easyStructTest = $r");
    my $st = RPC::XML::struct->new({ substruct0 => $s->({ moe => 1, larry => 2, curly => 3 }),
        substruct1 => $s->({ moe => 4, larry => 5, curly => 6 }) });
    $r = value_of('validator1.echoStructTest', $st)->value;
    check(deep_eq($r, $st->value), 'echoStructTest ' . $json->encode($r));
    my $res = value_of('validator1.manyTypesTest', RPC::XML::int->new(5), RPC::XML::boolean->new(1),
        RPC::XML::string->new('str'), RPC::XML::double->new(1.5),
        RPC::XML::datetime_iso8601->new('19980717T14:08:55'), RPC::XML::base64->new("you can't read this!"));
    my @types = map { my $t = $_->type; $t eq 'i4' ? 'int' : $t } @$res;
    check("@types" eq 'int boolean string double dateTime.iso8601 base64', "manyTypesTest types @types");
    check(deep_eq($res->value, [5, 1, 'str', 1.5, '19980717T14:08:55', "you can't read this!"]),
        'manyTypesTest ' . $json->encode($res->value));
    my @arr = ('first', map({ "x$_" } 0 .. 147), 'last');
    $r = value_of('validator1.moderateSizeArrayCheck', RPC::XML::array->new(map { RPC::XML::string->new($_) } @arr))->value;
    check($r eq 'firstlast', "moderateSizeArrayCheck = $r");
    my $cal = RPC::XML::struct->new({
        '1999' => RPC::XML::struct->new({ '12' => RPC::XML::struct->new({ '31' => RPC::XML::struct->new({}) }) }),
        '2000' => RPC::XML::struct->new({
            '01' => RPC::XML::struct->new({ '01' => RPC::XML::struct->new({}) }),
            '04' => RPC::XML::struct->new({ '01' => $s->({ moe => 12, larry => 34, curly => 56 }),
                '02' => RPC::XML::struct->new({}) }) }),
        '2001' => RPC::XML::struct->new({}),
    });
    $r = value_of('validator1.nestedStructTest', $cal)->value;
    check($r == 102, "nestedStructTest = $r");
    $r = value_of('validator1.simpleStructReturnTest', RPC::XML::int->new(7))->value;
    check(deep_eq($r, { times10 => 70, times100 => 700, times1000 => 7000 }), 'simpleStructReturnTest ' . $json->encode($r));
    'the eight methods with the validator1 vectors'
});
